"""The GitLab Code Quality reporter: GitLab's documented shape, exact bytes, paths from the
repository root, fingerprints that survive moved lines."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator

from kgen.check.result import CheckResult, Finding
from kgen.cli import cli
from kgen.report.base import ReportOptions
from kgen.report.gitlab import report

from tests.report.report_factory import APP, BROKEN, WEB, make_result

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "gitlab-code-quality.schema.json"

PRIVILEGED = Finding(
    "privileged-container",
    "error",
    'Container "web" runs privileged: <true> & ünïcode',
    APP,
    20,
    13,
    WEB,
    "web",
    "spec.template.spec.containers[0].securityContext.privileged",
    "Set securityContext.privileged to false.",
)
BROKEN_FILE = Finding("yaml-invalid", "error", "not valid YAML\nat line 3", BROKEN, 0, 0)


def expected_fingerprint(*parts: str, occurrence: int = 1) -> str:
    """The documented recipe, computed here on its own: sha256 over the identity, then over ``hash:n``."""
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    return hashlib.sha256(f"{digest}:{occurrence}".encode()).hexdigest()[:32]


GOLDEN = """\
[
  {
    "description": "not valid YAML\\nat line 3",
    "check_name": "yaml-invalid",
    "fingerprint": "19c462a876a82ffe1da4cf5bb8773f45",
    "severity": "major",
    "location": {
      "path": "broken.yaml",
      "lines": {
        "begin": 1
      }
    }
  },
  {
    "description": "Container \\"web\\" runs privileged: <true> & \\u00fcn\\u00efcode [Deployment shop/web, container web]",
    "check_name": "privileged-container",
    "fingerprint": "a702593e20fedfe61d8b06bd40614b09",
    "severity": "major",
    "location": {
      "path": "k8s/app.yaml",
      "lines": {
        "begin": 20
      }
    }
  }
]
"""


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def issues(result: CheckResult, options: ReportOptions = ReportOptions()) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(report(result, options))
    return data


def test_exact_bytes_of_a_small_report() -> None:
    out = report(make_result(findings=(PRIVILEGED, BROKEN_FILE)), ReportOptions())
    assert out == GOLDEN
    assert GOLDEN.count('"fingerprint"') == 2
    assert expected_fingerprint("yaml-invalid", "broken.yaml", "", "", "", "") == "19c462a876a82ffe1da4cf5bb8773f45"
    assert expected_fingerprint(
        "privileged-container", APP, "Deployment", "shop", "web", PRIVILEGED.path
    ) == "a702593e20fedfe61d8b06bd40614b09"


def test_nothing_found_is_an_empty_array(clean: CheckResult, validator: Draft7Validator) -> None:
    assert report(clean, ReportOptions()) == "[]\n"
    assert list(validator.iter_errors([])) == []


@pytest.mark.parametrize("show_suppressed", [False, True])
def test_valid_against_gitlabs_documented_shape(validator: Draft7Validator, sample: CheckResult, show_suppressed: bool) -> None:
    out = report(sample, ReportOptions(show_suppressed=show_suppressed))
    assert not out.startswith("\ufeff") and out.isascii()  # GitLab's parser refuses a byte order mark
    data = json.loads(out)
    assert sorted(validator.iter_errors(data), key=str) == []
    assert len(data) == (6 if show_suppressed else 5)
    assert all(list(entry) == ["description", "check_name", "fingerprint", "severity", "location"] for entry in data)


def test_the_schema_refuses_what_gitlab_would_not_read(validator: Draft7Validator) -> None:
    good = issues(make_result(findings=(PRIVILEGED,)))[0]
    for broken in (
        {**good, "severity": "warning"},
        {**good, "location": {"path": "k8s/app.yaml"}},
        {**good, "location": {"path": "k8s/app.yaml", "lines": {"begin": 0}}},
        {key: value for key, value in good.items() if key != "fingerprint"},
    ):
        assert list(validator.iter_errors([broken])), broken
    assert list(validator.iter_errors([{**good, "location": {"path": "a", "positions": {"begin": {"line": 3}}}}])) == []


def test_severities_map_to_gitlabs_scale(sample: CheckResult) -> None:
    got = {(entry["check_name"], entry["severity"]) for entry in issues(sample)}
    assert got == {
        ("memory-limits-missing", "minor"),
        ("yaml-invalid", "major"),
        ("replicas-single", "info"),
        ("privileged-container", "major"),
        ("rbac-wildcard", "minor"),
    }


def test_suppressed_findings_are_info_and_say_what_suppressed_them(sample: CheckResult) -> None:
    shown = [e for e in issues(sample, ReportOptions(show_suppressed=True)) if "suppressed" in e["description"]]
    assert [(e["severity"], e["description"]) for e in shown] == [
        ("info", 'Container "sidecar" has no memory limit [Deployment shop/web, container sidecar] (suppressed: annotation kgen.dev/ignore)')
    ]
    by_exemption = dataclasses.replace(PRIVILEGED, suppressed=True, suppressed_by="exemption .kgen.yaml:12: vendor chart")
    entry = issues(make_result(findings=(by_exemption,)), ReportOptions(show_suppressed=True))[0]
    assert entry["description"].endswith("(suppressed: exemption .kgen.yaml:12: vendor chart)")


def fingerprints(result: CheckResult, options: ReportOptions = ReportOptions(show_suppressed=True)) -> list[str]:
    return [entry["fingerprint"] for entry in issues(result, options)]


def test_fingerprints_survive_moved_lines_and_new_messages_but_not_another_place(sample: CheckResult) -> None:
    before = fingerprints(sample)
    assert len(set(before)) == len(before)
    moved = tuple(dataclasses.replace(f, line=f.line + 40, column=f.column + 2, message=f.message + "!") for f in sample.findings)
    assert fingerprints(make_result(findings=moved)) == before
    for change in ({"path": "spec.x"}, {"file": "other.yaml"}, {"rule": "other-rule"}):
        changed = tuple(dataclasses.replace(f, **change) for f in sample.findings)  # type: ignore[arg-type]
        assert all(a != b for a, b in zip(before, fingerprints(make_result(findings=changed)))), change


def test_fingerprints_do_not_depend_on_the_folder_kgen_ran_in() -> None:
    at_root = ReportOptions(root="/repo", cwd="/repo")
    below = ReportOptions(root="/repo", cwd="/repo/deploy")
    here = dataclasses.replace(PRIVILEGED, file="deploy/k8s/app.yaml")
    there = dataclasses.replace(PRIVILEGED, file="k8s/app.yaml")
    assert fingerprints(make_result(findings=(here,)), at_root) == fingerprints(make_result(findings=(there,)), below)


def test_alike_findings_keep_distinct_fingerprints() -> None:
    first = Finding("replicas-single", "info", "replicas is 1", APP, 8, 3, WEB, path="spec.replicas")
    second = dataclasses.replace(first, line=60)
    prints = fingerprints(make_result(findings=(first, second)))
    assert len(set(prints)) == 2  # GitLab would show one issue for both otherwise
    assert prints[1] == expected_fingerprint("replicas-single", APP, "Deployment", "shop", "web", "spec.replicas", occurrence=2)


@pytest.mark.parametrize(
    ("file", "cwd", "path"),
    [
        ("k8s/app.yaml", "/repo", "k8s/app.yaml"),
        ("./k8s//app.yaml", "/repo", "k8s/app.yaml"),
        ("k8s/app.yaml", "/repo/deploy", "deploy/k8s/app.yaml"),
        ("../base/app.yaml", "/repo/deploy", "base/app.yaml"),
        ("/repo/deploy/app.yaml", "/elsewhere", "deploy/app.yaml"),
        ("/elsewhere/app.yaml", "/repo", "/elsewhere/app.yaml"),
        ("../../outside.yaml", "/repo/deploy", "/outside.yaml"),
        ("<stdin>", "/repo", "<stdin>"),
    ],
)
def test_paths_are_relative_to_the_repository_root(file: str, cwd: str, path: str) -> None:
    finding = dataclasses.replace(PRIVILEGED, file=file)
    assert issues(make_result(findings=(finding,)), ReportOptions(root="/repo", cwd=cwd))[0]["location"]["path"] == path


def test_an_origin_is_where_the_issue_points() -> None:
    rendered = dataclasses.replace(PRIVILEGED, file="<stdin>", line=140, origin="chart/templates/deployment.yaml", origin_line=0)
    mapped = dataclasses.replace(rendered, origin="overlays/prod/deployment.yaml", origin_line=17)
    got = [e["location"] for e in issues(make_result(findings=(rendered, mapped)), ReportOptions(root="/repo", cwd="/repo"))]
    assert got == [
        {"path": "chart/templates/deployment.yaml", "lines": {"begin": 1}},
        {"path": "overlays/prod/deployment.yaml", "lines": {"begin": 17}},
    ]


def test_kgen_check_format_gitlab_from_a_subfolder_of_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validator: Draft7Validator) -> None:
    (tmp_path / ".git").mkdir()
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (deploy / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tools\nspec:\n  containers:\n    - name: tools\n      image: busybox:latest\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(deploy)
    result = CliRunner().invoke(cli, ["check", "pod.yaml", "--no-config", "--format", "gitlab"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert list(validator.iter_errors(data)) == []
    assert {entry["location"]["path"] for entry in data} == {"deploy/pod.yaml"}
    assert ("image-tag-mutable", "minor", 8) in {(e["check_name"], e["severity"], e["location"]["lines"]["begin"]) for e in data}


def test_a_helm_template_line_counts_the_rendered_document() -> None:
    helm = dataclasses.replace(PRIVILEGED, file="<stdin>", line=140, origin="shop/templates/web.yaml", origin_line=14, origin_rendered=True)
    entry = issues(make_result(findings=(helm,)), ReportOptions(root="/repo", cwd="/repo"))[0]
    assert entry["location"] == {"path": "shop/templates/web.yaml", "lines": {"begin": 1}}
    assert entry["description"].endswith("[Deployment shop/web, container web] (rendered line 14)")
