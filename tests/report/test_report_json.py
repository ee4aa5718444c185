"""The JSON reporter: exact output, fixed key order, suppressed findings on request."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from kgen.check.result import CheckResult, Finding
from kgen.report.base import ReportOptions
from kgen.report.json_report import report

from tests.report.report_factory import API, BROKEN, FINDINGS, STDIN, make_result

TWO = (
    Finding(
        "memory-limits-missing",
        "warning",
        'Container "api": no limit, <none> & ünïcode',
        STDIN,
        12,
        11,
        API,
        "api",
        "spec.template.spec.containers[0].resources",
        "Set resources.limits.memory on every container.",
    ),
    Finding("yaml-invalid", "error", "not valid YAML\nat line 3", BROKEN, 3, 5, remediation="Fix the YAML syntax."),
)

GOLDEN = """\
{
  "config": null,
  "findings": [
    {
      "rule": "memory-limits-missing",
      "severity": "warning",
      "message": "Container \\"api\\": no limit, <none> & \\u00fcn\\u00efcode",
      "file": "<stdin>",
      "line": 12,
      "column": 11,
      "origin": null,
      "object": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "namespace": "default",
        "name": "api"
      },
      "container": "api",
      "path": "spec.template.spec.containers[0].resources",
      "remediation": "Set resources.limits.memory on every container.",
      "suppressed": false,
      "suppressedBy": null,
      "notShown": 0
    },
    {
      "rule": "yaml-invalid",
      "severity": "error",
      "message": "not valid YAML\\nat line 3",
      "file": "broken.yaml",
      "line": 3,
      "column": 5,
      "origin": null,
      "object": {
        "apiVersion": "",
        "kind": "",
        "namespace": "",
        "name": ""
      },
      "container": null,
      "path": "",
      "remediation": "Fix the YAML syntax.",
      "suppressed": false,
      "suppressedBy": null,
      "notShown": 0
    }
  ],
  "summary": {
    "files": 2,
    "documents": 8,
    "objects": 4,
    "skipped": {
      "notKubernetes": 2,
      "unknownKind": 1
    },
    "suppressed": 0,
    "notShown": 0,
    "bySeverity": {
      "error": 1,
      "warning": 1,
      "info": 0
    },
    "failOn": "warning",
    "failed": true,
    "kubernetesVersion": "1.31"
  }
}
"""

FINDING_KEYS = [
    "rule",
    "severity",
    "message",
    "file",
    "line",
    "column",
    "origin",
    "object",
    "container",
    "path",
    "remediation",
    "suppressed",
    "suppressedBy",
    "notShown",
]


def test_exact_output() -> None:
    assert report(make_result(findings=TWO, files=2), ReportOptions()) == GOLDEN


def test_every_finding_has_the_keys_in_order(sample: CheckResult) -> None:
    data = json.loads(report(sample, ReportOptions(show_suppressed=True)))
    assert [list(f) for f in data["findings"]] == [FINDING_KEYS] * len(FINDINGS)
    assert [f["file"] for f in data["findings"]] == [f.file for f in sample.findings]


def test_suppressed_findings_only_with_show_suppressed(sample: CheckResult) -> None:
    hidden = json.loads(report(sample, ReportOptions()))
    shown = json.loads(report(sample, ReportOptions(show_suppressed=True)))
    assert [f["suppressed"] for f in hidden["findings"]] == [False] * 5
    assert [f["container"] for f in shown["findings"] if f["suppressed"]] == ["sidecar"]
    assert hidden["summary"] == shown["summary"]
    assert hidden["summary"]["suppressed"] == 1


def test_failed_follows_fail_on() -> None:
    warnings_only = tuple(f for f in FINDINGS if f.severity == "warning")
    for fail_on, failed in (("warning", True), ("error", False), ("never", False)):
        summary = json.loads(report(make_result(findings=warnings_only, fail_on=fail_on), ReportOptions()))["summary"]
        assert (summary["failOn"], summary["failed"]) == (fail_on, failed)


def test_no_findings(clean: CheckResult) -> None:
    data = json.loads(report(clean, ReportOptions()))
    assert data["findings"] == []
    assert data["summary"]["bySeverity"] == {"error": 0, "warning": 0, "info": 0}
    assert data["summary"]["failed"] is False
    assert data["summary"]["objects"] == 2


def test_config_origin_and_what_suppressed_a_finding() -> None:
    rendered = dataclasses.replace(TWO[0], origin="chart/templates/deployment.yaml", origin_line=0)
    mapped = dataclasses.replace(TWO[1], origin="base/deploy.yaml", origin_line=7, suppressed=True, suppressed_by="exemption .kgen.yaml:12: vendor chart")
    result = dataclasses.replace(make_result(findings=(rendered, mapped), files=2), config_file="ci/.kgen.yaml")
    out = report(result, ReportOptions(show_suppressed=True))
    assert out.startswith('{\n  "config": "ci/.kgen.yaml",\n  "findings": [\n')
    found = json.loads(out)["findings"]
    assert [(f["origin"], f["suppressed"], f["suppressedBy"]) for f in found] == [
        ({"file": "chart/templates/deployment.yaml", "line": 0}, False, None),
        ({"file": "base/deploy.yaml", "line": 7}, True, "exemption .kgen.yaml:12: vendor chart"),
    ]
    assert '"origin": {\n        "file": "chart/templates/deployment.yaml",\n        "line": 0\n      },\n      "object"' in out
    assert [f["file"] for f in found] == ["<stdin>", "broken.yaml"]  # the checked file stays the file


def test_a_suppression_that_does_not_say_is_the_annotation(sample: CheckResult) -> None:
    shown = json.loads(report(sample, ReportOptions(show_suppressed=True)))["findings"]
    assert [f["suppressedBy"] for f in shown if f["suppressed"]] == ["annotation kgen.dev/ignore"]
    assert all(f["suppressedBy"] is None for f in shown if not f["suppressed"])


def test_kgen_check_names_the_config_it_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kgen.cli import cli

    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tools\nspec:\n  containers:\n    - name: tools\n      image: busybox:latest\n",
        encoding="utf-8",
    )
    (tmp_path / "ci.kgen.yaml").write_text("failOn: error\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    given = CliRunner().invoke(cli, ["check", "pod.yaml", "--config", "ci.kgen.yaml", "--format", "json"])
    assert given.exit_code == 0, given.output
    assert json.loads(given.stdout)["config"] == "ci.kgen.yaml"
    none = CliRunner().invoke(cli, ["check", "pod.yaml", "--no-config", "--format", "json"])
    assert json.loads(none.stdout)["config"] is None
