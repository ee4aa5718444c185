"""A large document that several files hold (argo-cd's CRDs in each of its install manifests) is
read once per process, and every file still gets its own findings at its own lines."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from kgen.check import parallel
from kgen.check.engine import CheckOptions, run_check
from kgen.load import yamlload

from tests.conftest import REPO

CRD = (REPO / "fixtures" / "crds" / "argo-cd" / "application-crd.yaml").read_text(encoding="utf-8")
#: The CRD made invalid twice (the API server refuses it; its schema still validates resources): a label
#: value with a space, and a name that is not plural.group.
BROKEN = CRD.replace("part-of: argocd\n", "part-of: argo cd\n").replace(
    "  name: applications.argoproj.io\nspec:", "  name: apps.argoproj.io\nspec:"
)
CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: argocd}\ndata: {k: v}\n"
APPLICATION = (REPO / "fixtures" / "crds" / "resources" / "application-invalid.yaml").read_text(encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a-crd.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "b-install.yaml").write_text(f"{CONFIG_MAP}---\n{CONFIG_MAP.replace('settings', 'more')}---\n{BROKEN}", encoding="utf-8")
    (tmp_path / "c-changed.yaml").write_text(BROKEN + "# one more line: another text\n", encoding="utf-8")
    (tmp_path / "d-application.yaml").write_text(APPLICATION, encoding="utf-8")
    return tmp_path


def schema_findings(tree: Path, jobs: int) -> list[tuple[str, int, int, str]]:
    """(file, line, column, rule and field) of the findings that say the API server refuses an object."""
    result = run_check(CheckOptions(paths=(str(tree),), discover_config=False, jobs=jobs))
    return [
        (Path(f.file).name, f.line, f.column, f"{f.rule} {f.message.split(':')[0]}")
        for f in result.findings
        if f.rule in ("schema-invalid", "api-rejected")
    ]


#: One finding from a rule (its place found in the nodes), one from the CRD's own checks.
EXPECTED_CRD = [("api-rejected metadata.labels", 6, 5), ("schema-invalid metadata.name", 7, 3)]


def test_each_file_has_its_own_findings_at_its_own_lines(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reread: list[str] = []
    original = yamlload._Reread.__init__

    def spy(self: yamlload._Reread, source: str, *args: object) -> None:
        reread.append(Path(source).name)
        original(self, source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(yamlload._Reread, "__init__", spy)
    found = schema_findings(tree, 1)
    assert reread == ["b-install.yaml"]  # read once in a-crd.yaml; c-changed.yaml is another text
    crd = [(name, line, column, field) for name, line, column, field in found if name != "d-application.yaml"]
    assert crd == [
        *(("a-crd.yaml", line, column, field) for field, line, column in EXPECTED_CRD),
        *(("b-install.yaml", line + 10, column, field) for field, line, column in EXPECTED_CRD),  # after 2 ConfigMaps
        *(("c-changed.yaml", line, column, field) for field, line, column in EXPECTED_CRD),
    ]
    # the Application is validated against its CRD (c-changed.yaml's, the last read; all three define one schema)
    assert ("d-application.yaml", 17, 7, "schema-invalid spec.syncPolicy.automated.prune") in found


def test_with_workers_as_without(tree: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(parallel.MIN_FILES):
        (tree / f"m-{index:02d}.yaml").write_text(CONFIG_MAP.replace("settings", f"c{index}"), encoding="utf-8")
    scratch = tmp_path_factory.mktemp("scratch")
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the workers' shared folder goes
    assert schema_findings(tree, 2) == schema_findings(tree, 1)
    assert list(scratch.iterdir()) == []  # the folder the workers shared documents through is gone


def test_without_a_folder_to_share_through_each_worker_reads_for_itself(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(parallel.MIN_FILES):
        (tree / f"m-{index:02d}.yaml").write_text(CONFIG_MAP.replace("settings", f"c{index}"), encoding="utf-8")
    alone = schema_findings(tree, 1)

    def read_only(*args: object, **kwargs: object) -> str:
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    assert schema_findings(tree, 2) == alone
