"""host-namespaces: hostNetwork, hostPID and hostIPC, one finding each, in every workload kind."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, deployment, loc, of

RULE = "host-namespaces"


def found(tmp_path: Path, text: str, **options: object) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text, **options), RULE)]


def test_each_namespace_is_reported_at_its_field(tmp_path: Path) -> None:
    text = deployment(container="").replace("    spec:\n      containers:", "    spec:\n      hostPID: true\n      hostIPC: yes\n      containers:")
    assert found(tmp_path, text) == [
        (*loc(text, "hostPID"), "warning",
         "the pod sets hostPID: true and shares the node's process namespace: its containers see every process on the node"),
        (*loc(text, "hostIPC"), "warning",
         "the pod sets hostIPC: true and shares the node's IPC namespace: its containers reach the shared memory "
         "of the node's processes"),
    ]


def test_false_and_a_quoted_true_are_not_host_namespaces(tmp_path: Path) -> None:
    # "true" in quotes is a string: the API server refuses it (schema-invalid), admission never sees true
    text = deployment().replace("    spec:\n      containers:", '    spec:\n      hostNetwork: false\n      hostPID: "true"\n      containers:')
    assert found(tmp_path, text) == []
    assert [f.rule for f in check(tmp_path, text).findings if f.rule == "schema-invalid"] == ["schema-invalid"]


def test_podsecurity_baseline_keeps_it(tmp_path: Path) -> None:
    (tmp_path / ".kgen.yaml").write_text("podSecurity: baseline\n")
    text = deployment().replace("    spec:\n      containers:", "    spec:\n      hostNetwork: true\n      containers:")
    result = check(tmp_path, text, config_path=tmp_path / ".kgen.yaml")
    assert [(f.line, f.column) for f in of(result, RULE)] == [loc(text, "hostNetwork")]
