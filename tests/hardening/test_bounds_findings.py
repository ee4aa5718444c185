"""Findings are bounded: one object with thousands of containers lists at most 20 findings of
one rule and 100 in all, plus one counted note per cut; the totals, the exit code and the
suppressions stay what they would be without the bound (kgen.check.cut)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hardening.support import assert_bounded, run_kgen

CONTAINERS = 10_000
#: Per container: image-tag-mutable, cpu/memory requests/limits missing, probes missing,
#: privilege-escalation, capabilities-not-dropped, run-as-root, writable-root-filesystem.
PER_CONTAINER_RULES = 11


def _deployment(containers: int, annotation: str = "") -> str:
    annotations = f"\n  annotations: {{kgen.dev/ignore: {annotation}}}" if annotation else ""
    head = (
        "apiVersion: apps/v1\nkind: Deployment\n"
        f"metadata:\n  name: big{annotations}\n"
        "spec:\n  selector: {matchLabels: {app: big}}\n  template:\n"
        "    metadata: {labels: {app: big}}\n    spec:\n      containers:\n"
    )
    return head + "".join(f"      - {{name: c{i}, image: nginx}}\n" for i in range(containers))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_deployment_with_10000_containers_lists_a_bounded_report(tmp_path: Path) -> None:
    _write(tmp_path, _deployment(CONTAINERS))
    text = run_kgen("check", "big.yaml", "--no-config", "-j", "1", cwd=tmp_path)
    assert text.code == 1, text.stderr
    assert_bounded(text, "check", cpu=20, mib=300)
    lines = [line for line in text.out.splitlines() if line.startswith("big.yaml:")]
    assert len(lines) <= 100 + PER_CONTAINER_RULES + 4  # 100 listed, a note per rule cut, the object's own
    note = (
        f"big.yaml:20:10: warning memory-limits-missing {CONTAINERS - 9} more memory-limits-missing findings "
        "on Deployment/big not shown: kgen lists at most 20 findings of one rule and 100 in all for one object"
    )
    assert any(line.startswith(note) for line in lines), "\n".join(lines)
    # every finding counted, listed or not: 10 warnings and 1 info per container, and 4 of the object
    total = CONTAINERS * PER_CONTAINER_RULES + 4
    assert text.out.splitlines()[-1].startswith(f"{total - CONTAINERS - 2} warnings, {CONTAINERS + 2} info in 1 file")
    assert f"; {total - 100} not shown)" in text.out.splitlines()[-1]

    sarif = run_kgen("check", "big.yaml", "--no-config", "-j", "1", "--format", "sarif", "-o", "out.sarif", cwd=tmp_path)
    assert sarif.code == 1, sarif.stderr
    assert_bounded(sarif, "check", cpu=20, mib=300)
    size = (tmp_path / "out.sarif").stat().st_size
    assert size < 1_000_000, size
    results = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    notes = {r["ruleId"]: r["properties"]["notShown"] for r in results if "notShown" in r.get("properties", {})}
    listed = [r for r in results if "notShown" not in r.get("properties", {})]
    shown = {rule: sum(1 for r in listed if r["ruleId"] == rule) for rule in notes}
    assert len(notes) == PER_CONTAINER_RULES
    for rule, more in notes.items():
        assert shown[rule] <= 20 and shown[rule] + more == CONTAINERS, (rule, shown[rule], more)
    assert len(listed) == 100


def test_json_counts_what_it_does_not_list(tmp_path: Path) -> None:
    _write(tmp_path, _deployment(2_000))
    run = run_kgen("check", "big.yaml", "--no-config", "-j", "1", "--format", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    data = json.loads(run.out)
    listed = [f for f in data["findings"] if not f["notShown"]]
    notes = [f for f in data["findings"] if f["notShown"]]
    assert len(listed) == 100
    assert sum(f["notShown"] for f in notes) == data["summary"]["notShown"] == 2_000 * PER_CONTAINER_RULES + 4 - 100
    assert sum(data["summary"]["bySeverity"].values()) == 2_000 * PER_CONTAINER_RULES + 4
    for note in notes:
        assert note["message"].startswith(f"{note['notShown']} more {note['rule']} findings on Deployment/big not shown")


def test_suppressed_findings_are_not_counted_as_not_shown(tmp_path: Path) -> None:
    """An annotation that suppresses two rules: their findings count as suppressed, never as "more"."""
    _write(tmp_path, _deployment(2_000, annotation='"image-tag-mutable,run-as-root"'))
    run = run_kgen("check", "big.yaml", "--no-config", "-j", "1", "--format", "json", "--show-suppressed", cwd=tmp_path)
    assert run.code == 1, run.stderr
    data = json.loads(run.out)
    summary = data["summary"]
    assert summary["suppressed"] == 2 * 2_000
    active = [f for f in data["findings"] if not f["suppressed"]]
    assert sum(f["notShown"] or 1 for f in active) == sum(summary["bySeverity"].values()) == 2_000 * 9 + 4
    assert all(f["rule"] not in ("image-tag-mutable", "run-as-root") for f in active)
    suppressed = [f for f in data["findings"] if f["suppressed"]]
    for rule in ("image-tag-mutable", "run-as-root"):
        of_rule = [f for f in suppressed if f["rule"] == rule]
        assert sum(f["notShown"] or 1 for f in of_rule) == 2_000
        assert sum(1 for f in of_rule if not f["notShown"]) == 20


def test_an_exemption_is_applied_before_the_cut(tmp_path: Path) -> None:
    """Exemptions by container: the exempted ones leave the count; the others are still counted."""
    _write(tmp_path, _deployment(2_000))
    (tmp_path / ".kgen.yaml").write_text(
        "exemptions:\n"
        "  - {rule: memory-limits-missing, container: 'c1*', reason: sized by the platform}\n",
        encoding="utf-8",
    )
    run = run_kgen("check", "big.yaml", "--format", "json", "-j", "1", cwd=tmp_path)
    assert run.code == 1, run.stderr
    data = json.loads(run.out)
    exempted = 1 + 10 + 100 + 1_000  # c1, c10-c19, c100-c199, c1000-c1999
    assert data["summary"]["suppressed"] == exempted
    memory = [f for f in data["findings"] if f["rule"] == "memory-limits-missing" and not f["suppressed"]]
    assert sum(f["notShown"] or 1 for f in memory) == 2_000 - exempted


def test_a_comment_for_one_line_suppresses_one_counted_finding(tmp_path: Path) -> None:
    """A kgen:ignore comment above one container, far past what is listed: that finding is suppressed,
    the others of its rule are still counted."""
    lines = _deployment(2_000).splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "name: c1500," in line)
    lines.insert(at, "      # kgen:ignore memory-limits-missing sized by the platform\n")
    _write(tmp_path, "".join(lines))
    run = run_kgen("check", "big.yaml", "--no-config", "-j", "1", "--format", "json", "--show-suppressed", cwd=tmp_path)
    assert run.code == 1, run.stderr
    data = json.loads(run.out)
    assert data["summary"]["suppressed"] == 1
    memory = [f for f in data["findings"] if f["rule"] == "memory-limits-missing"]
    assert sum(f["notShown"] or 1 for f in memory if not f["suppressed"]) == 1_999
    [suppressed] = [f for f in memory if f["suppressed"]]
    assert suppressed["line"] == at + 2 and suppressed["suppressedBy"].startswith(f"comment kgen:ignore at big.yaml:{at + 1}")


@pytest.mark.parametrize("output_format", ["junit", "github", "gitlab"])
def test_every_format_carries_the_note(tmp_path: Path, output_format: str) -> None:
    _write(tmp_path, _deployment(2_000))
    run = run_kgen("check", "big.yaml", "--no-config", "-j", "1", "--format", output_format, cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert "1991 more memory-limits-missing findings on Deployment/big not shown" in run.out
    assert len(run.stdout) < 100_000



def test_a_run_lists_at_most_its_bound_and_counts_the_rest() -> None:
    """The run's bound (25,000; 5 here), past the per-object ones: one note per rule and severity."""
    from kgen.check.cut import Cut
    from kgen.check.result import Finding, ObjectRef

    cut = Cut(per_run=5)
    for pod in range(4):  # 4 pods, 2 findings each of two rules, one file each
        ref = ObjectRef("v1", "Pod", "", f"p{pod}")
        cut.take([Finding(rule, "warning", f"{rule} {pod}", f"f{pod}.yaml", 3, 1, ref) for rule in ("a-rule", "b-rule")])
    listed = cut.finish()
    notes = [f for f in listed if f.more]
    assert len(listed) - len(notes) == 5
    assert sorted((n.rule, n.more, n.file, n.line, n.message) for n in notes) == [
        ("a-rule", 1, "f3.yaml", 3, "1 more a-rule finding not shown: a run lists at most 5 findings"),
        ("b-rule", 2, "f2.yaml", 3, "2 more b-rule findings not shown: a run lists at most 5 findings"),
    ]


def test_a_file_of_ignore_comments_costs_linear_time_and_lists_a_bounded_report(tmp_path: Path) -> None:
    """50,000 `# kgen:ignore` lines with no rule before one object: each looked at once (each comment used to
    scan all the comments after it for the line it is about), 20 listed and the rest counted."""
    text = "# kgen:ignore\n" * 50_000 + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n"
    (tmp_path / "cm.yaml").write_text(text, encoding="utf-8")
    run = run_kgen("check", "cm.yaml", "--no-config", "-j", "1", "--format", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    assert_bounded(run, "check", cpu=5, mib=100)
    data = json.loads(run.out)
    assert data["summary"]["bySeverity"]["warning"] == 50_000
    [note] = [f for f in data["findings"] if f["notShown"]]
    assert (note["rule"], note["line"], note["notShown"]) == ("ignore-comment-invalid", 21, 50_000 - 20)
    assert note["message"].startswith("49980 more ignore-comment-invalid findings in cm.yaml not shown")


def test_junit_lists_a_bounded_number_of_passing_test_cases(tmp_path: Path) -> None:
    """One test case per object and rule: past 25,000 passing ones the rest are counted, not listed."""
    pod = (
        "---\n{{apiVersion: v1, kind: Pod, metadata: {{name: p{0}}}, spec: {{automountServiceAccountToken: false, "
        "containers: [{{name: c, image: 'x:1'}}]}}}}\n"
    )
    (tmp_path / "pods.yaml").write_text("".join(pod.format(i) for i in range(800)), encoding="utf-8")
    run = run_kgen("check", "pods.yaml", "--no-config", "-j", "1", "--format", "junit", cwd=tmp_path)
    assert run.code == 1, run.stderr
    import xml.etree.ElementTree as ET

    [suite] = ET.fromstring(run.stdout)
    cases = suite.findall("testcase")
    passing = [c for c in cases if len(c) == 0]  # no finding at all (info findings are in system-out)
    unlisted = int(suite.findtext("system-out", "0 ").split()[0])
    assert len(passing) == 25_000 and unlisted > 0
    assert int(suite.get("tests", "0")) == len(cases) + unlisted
    assert suite.findtext("system-out", "").endswith("a run lists at most 25,000 passing test cases")
