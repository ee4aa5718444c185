"""``kgen diff`` bounded like check: long lists compared in linear time, at most
MAX_CHANGES field changes listed per object (the rest counted in every format),
long texts diffed within a bound, and digit strings of any length read safely.
Each run is a real process with its CPU time and memory bounded."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from kgen.diff.compare import MAX_CHANGES, compare
from kgen.diff.values import text_diff

from tests.hardening.support import assert_bounded, run_kgen

HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n"


def _list_map(path: Path, item: str, count: int) -> Path:
    path.write_text(HEAD + "data:\n  x: [" + ",".join([item] * count) + "]\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("form", ["text", "json", "markdown"])
def test_a_list_of_100000_changed_items_is_linear_and_counted(tmp_path: Path, form: str) -> None:
    old, new = _list_map(tmp_path / "old.yaml", "1", 100_000), _list_map(tmp_path / "new.yaml", "2", 100_000)
    run = run_kgen("diff", str(old), str(new), "--format", form, cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    more = 100_000 - MAX_CHANGES
    if form == "json":
        (obj,) = json.loads(run.stdout)["objects"]
        assert len(obj["changes"]) == MAX_CHANGES and obj["moreChanges"] == more
        assert obj["changes"][-1]["path"] == f"data.x[{MAX_CHANGES - 1}]"
    else:
        assert f"... and {more:,} more field changes (at most {MAX_CHANGES:,} are listed per object)" in run.out
        assert f"data.x[{MAX_CHANGES - 1}]: 1 → 2" in run.out and f"data.x[{MAX_CHANGES}]:" not in run.out
    if form == "markdown":
        assert "| `~` | `ConfigMap m` | 100000 | 0 |" in run.out
    assert_bounded(run, "diff", cpu=8.0, mib=150)


def test_items_removed_from_a_long_list_are_counted(tmp_path: Path) -> None:
    old, new = _list_map(tmp_path / "old.yaml", "1", 60_000), _list_map(tmp_path / "new.yaml", "1", 30_000)
    run = run_kgen("diff", str(old), str(new), "--format", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    (obj,) = json.loads(run.stdout)["objects"]
    assert obj["changes"][0] == {"path": "data.x[30000]", "op": "removed", "old": 1, "new": None, "redacted": False}
    assert obj["moreChanges"] == 30_000 - MAX_CHANGES
    assert_bounded(run, "diff", cpu=5.0, mib=100)


def test_aliases_the_loader_allows_do_not_multiply_in_diff(tmp_path: Path) -> None:
    """Both sides use the alias allowance to the full (10 uses of a 4,500-item list): every
    expanded item differs, and what diff builds stays a small multiple of the expansion."""
    def side(name: str, tag: str) -> Path:
        items = ", ".join(f"{tag}{i}" for i in range(4_500))
        path = tmp_path / name
        path.write_text(HEAD + f"x-a: &a [{items}]\ndata:\n" + "".join(f"  k{u}: *a\n" for u in range(10)), encoding="utf-8")
        return path

    old, new = side("old.yaml", "a"), side("new.yaml", "b")
    for form in ("text", "json", "markdown"):
        run = run_kgen("diff", str(old), str(new), "--format", form, cwd=tmp_path)
        assert run.code == 1, run.stderr
        assert_bounded(run, "diff", cpu=4.0, mib=60)


def test_changes_past_the_limit_still_raise_their_risk_notes(tmp_path: Path) -> None:
    """1,500 label changes sort before spec.selector: the selector change is not listed, but its
    risk note (the apply is rejected) is still given."""
    def deployment(name: str, value: str, app: str) -> Path:
        labels = "".join(f"    l{i:04d}: {value}\n" for i in range(1_500))
        path = tmp_path / name
        path.write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n" + labels
            + f"spec:\n  selector: {{matchLabels: {{app: {app}}}}}\n  template:\n"
            f"    metadata: {{labels: {{app: {app}}}}}\n    spec: {{containers: [{{name: web, image: 'nginx:1'}}]}}\n",
            encoding="utf-8",
        )
        return path

    old, new = deployment("old.yaml", "a", "web"), deployment("new.yaml", "b", "shop")
    run = run_kgen("diff", str(old), str(new), "--format", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    (obj,) = json.loads(run.stdout)["objects"]
    assert len(obj["changes"]) == MAX_CHANGES
    assert not any(change["path"].startswith("spec.") for change in obj["changes"])
    assert obj["moreChanges"] == 1_500 + 1 - MAX_CHANGES + 1  # the rest of the labels, selector, template label
    assert any(risk["code"] == "immutable-field" and risk["path"] == "spec.selector" for risk in obj["risks"])


def test_a_long_text_diff_is_bounded(tmp_path: Path) -> None:
    """Two 150,000-line values that differ every 7th line: one counted line, not a quadratic line diff."""
    def side(name: str, change: bool) -> Path:
        lines = [f"line {i}" if not change or i % 7 else f"changed {i}" for i in range(150_000)]
        path = tmp_path / name
        path.write_text(HEAD + "data:\n  big: " + json.dumps("\n".join(lines)) + "\n", encoding="utf-8")
        return path

    old, new = side("old.yaml", False), side("new.yaml", True)
    for form in ("text", "markdown"):
        run = run_kgen("diff", str(old), str(new), "--format", form, cwd=tmp_path)
        assert run.code == 1, run.stderr
        assert "@@ -1,149997 +1,149997 @@ 149,997 lines replaced by 149,997 (more than 2,000 differ: too long" in run.out
        assert_bounded(run, "diff", cpu=4.0, mib=150)


def test_text_diff_of_long_texts_with_a_short_difference_matches_the_line_diff() -> None:
    old = "\n".join(f"line {i}" for i in range(5_000))
    new = old.replace("line 2000\n", "").replace("line 3000\n", "line 3000\ninserted\n")
    expected = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2))[2:]
    assert text_diff(old, new) == expected
    assert text_diff(old, new)[0] == "@@ -1999,5 +1999,4 @@" and text_diff(old, new)[6] == "@@ -3000,4 +2999,5 @@"


def test_lists_of_scalars_align_an_insertion_and_tell_types_apart() -> None:
    assert [(c.path, c.op, c.new) for c in compare({"a": [1, 2, 3]}, {"a": [1, 9, 2, 3]}).kept] == [(("a", 1), "added", 9)]
    # true and 1 are equal in Python, not in a manifest
    found = compare({"a": [1.0, True], "b": 1}, {"a": [1.0, 1], "b": 2})
    assert [(c.path, c.op) for c in found.kept] == [(("a", 1), "changed"), (("b",), "changed")]
    found = compare({"a": list(range(10_000))}, {"a": [0, *range(10_000)]})
    assert [(c.path, c.op) for c in found.kept] == [(("a", 1), "added")] and found.more == 0


DIGITS = "9" * 5_000


def _workload(values: dict[str, str]) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: s}}
spec:
  replicas: {values['replicas']}
  selector: {{matchLabels: {{app: web}}}}
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxUnavailable: "{values['percent']}", maxSurge: "{values['number']}"}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: "nginx:{values['image']}"
        ports: [{{containerPort: "{values['number']}"}}]
        resources: {{limits: {{memory: "{values['number']}Gi", cpu: "{values['number']}"}}}}
        readinessProbe: {{httpGet: {{port: "{values['number']}"}}, timeoutSeconds: "{values['number']}"}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: web, namespace: s}}
spec: {{minAvailable: "{values['percent']}", selector: {{matchLabels: {{app: web}}}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: s}}
spec: {{selector: {{app: web}}, ports: [{{port: "{values['number']}", targetPort: "{values['number']}"}}]}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: c, namespace: s}}
spec: {{resources: {{requests: {{storage: "{values['number']}Mi"}}}}}}
"""


@pytest.mark.parametrize(
    "values",
    [
        {"replicas": f'"{DIGITS}"', "percent": DIGITS + "%", "number": DIGITS, "image": "2"},
        {"replicas": '"99999999999999999999999"', "percent": "9" * 30 + "%", "number": "9" * 25, "image": "2"},
        {"replicas": '"²"', "percent": "²%", "number": "²", "image": "2"},  # digits that int() refuses
    ],
    ids=["5000-digits", "past-int64", "unicode-digits"],
)
def test_digit_strings_of_any_length_are_read_safely(tmp_path: Path, values: dict[str, str]) -> None:
    plain = {"replicas": "3", "percent": "25%", "number": "8080", "image": "1"}
    (tmp_path / "plain.yaml").write_text(_workload(plain), encoding="utf-8")
    (tmp_path / "odd.yaml").write_text(_workload(values), encoding="utf-8")
    for old, new in (("plain.yaml", "odd.yaml"), ("odd.yaml", "plain.yaml")):
        for form in ("text", "json", "markdown"):
            run = run_kgen("diff", old, new, "--format", form, cwd=tmp_path)
            assert run.code == 1, run.stderr
            assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    run = run_kgen("diff", "plain.yaml", "odd.yaml", "--format", "json", cwd=tmp_path)
    replicas = next(c for o in json.loads(run.stdout)["objects"] for c in o["changes"] if c["path"] == "spec.replicas")
    assert replicas["old"] == 3 and replicas["new"] == values["replicas"].strip('"')  # compared as written


def test_a_large_added_object_in_markdown_makes_only_the_yaml_it_shows(tmp_path: Path) -> None:
    """300,000 items added: the block shows the first 200 lines, without dumping them all."""
    _list_map(tmp_path / "new.yaml", "1", 300_000)
    (tmp_path / "old.yaml").write_text("", encoding="utf-8")
    run = run_kgen("diff", "old.yaml", "new.yaml", "--format", "markdown", cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert "# ... the rest left out (more than 20,000 fields and items)" in run.out
    # 200 lines: apiVersion, kind, metadata, its name, data, x, then 194 items
    assert run.out.splitlines().count("  - 1") == 194 and "data:\n  x:\n  - 1\n" in run.out
    assert_bounded(run, "diff", cpu=5.0, mib=200)
