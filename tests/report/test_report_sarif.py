"""The SARIF reporter: valid against the official 2.1.0 schema, stable ids and fingerprints."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from kgen.check.result import CheckResult, Finding
from kgen.report.base import ReportOptions
from kgen.report.sarif import artifact_location, pascal_case, report

from tests.report.report_factory import APP, RULES, WEB, make_result

# RFC 3986 URI-reference characters, with "%" only as the start of an escape.
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*$")


@pytest.fixture(scope="module")
def validator(sarif_schema_path: Path) -> Draft4Validator:
    schema = json.loads(sarif_schema_path.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def sarif(result: CheckResult, show_suppressed: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report(result, ReportOptions(show_suppressed=show_suppressed)))
    return data


def results(result: CheckResult, show_suppressed: bool = False) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = sarif(result, show_suppressed)["runs"][0]["results"]
    return found


@pytest.mark.parametrize("show_suppressed", [False, True])
def test_valid_against_the_official_schema(validator: Draft4Validator, sample: CheckResult, show_suppressed: bool) -> None:
    errors = sorted(validator.iter_errors(sarif(sample, show_suppressed)), key=str)
    assert errors == []


def test_no_findings_is_valid_with_all_rules(validator: Draft4Validator, clean: CheckResult) -> None:
    data = sarif(clean)
    assert list(validator.iter_errors(data)) == []
    run = data["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert len(run["tool"]["driver"]["rules"]) == len(RULES)


def test_driver_lists_every_rule_sorted_with_metadata(sample: CheckResult) -> None:
    driver = sarif(sample)["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("kgen", ReportOptions().tool_version)
    assert [r["id"] for r in driver["rules"]] == sorted(RULES)
    privileged = next(r for r in driver["rules"] if r["id"] == "privileged-container")
    assert privileged["name"] == "PrivilegedContainer"
    assert privileged["shortDescription"] == {"text": "Privileged container"}
    assert privileged["fullDescription"] == {"text": "Containers must not run privileged."}
    assert privileged["help"]["text"] == (
        "Why: A privileged container is root on the node.\n\nFix: Set securityContext.privileged to false."
    )
    assert "**Fix:** Set securityContext.privileged to false." in privileged["help"]["markdown"]
    assert privileged["helpUri"] == "https://example.com/rules/privileged-container"
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert (levels["privileged-container"], levels["memory-limits-missing"], levels["replicas-single"]) == (
        "error",
        "warning",
        "note",
    )


def test_results_point_at_their_rule_and_place(sample: CheckResult) -> None:
    data = sarif(sample)
    rules = data["runs"][0]["tool"]["driver"]["rules"]
    found = data["runs"][0]["results"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in found)
    assert [r["level"] for r in found] == ["warning", "error", "note", "error", "warning"]
    privileged = found[3]
    assert privileged["message"] == {"text": 'Container "web" runs privileged: <true> & root'}
    assert privileged["locations"][0] == {
        "physicalLocation": {
            "artifactLocation": {"uri": "k8s/app.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 20, "startColumn": 13},
        },
        "logicalLocations": [{"name": "web", "fullyQualifiedName": "shop/Deployment/web", "kind": "resource"}],
    }
    assert "logicalLocations" not in found[1]["locations"][0]  # yaml-invalid: no object
    assert found[4]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "ClusterRole/reader"


def test_file_names_become_valid_uri_references(sample: CheckResult) -> None:
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results(sample)]
    assert uris == ["stdin", "broken.yaml", "k8s/app.yaml", "k8s/app.yaml", "k8s/dir%20with%20space/w%C3%A9ird%2Cname%3A1.yaml"]
    assert all(URI_REFERENCE.match(uri) for uri in uris)


@pytest.mark.parametrize(
    ("file", "location"),
    [
        ("<stdin>", {"uri": "stdin"}),
        ("./k8s/a b.yaml", {"uri": "k8s/a%20b.yaml", "uriBaseId": "%SRCROOT%"}),
        ("../up/100%#?.yaml", {"uri": "../up/100%25%23%3F.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/abs/dir/x.yaml", {"uri": "file:///abs/dir/x.yaml"}),
        ("bad\udcff.yaml", {"uri": "bad%FF.yaml", "uriBaseId": "%SRCROOT%"}),
    ],
)
def test_artifact_locations(file: str, location: dict[str, str]) -> None:
    assert artifact_location(file) == location
    assert URI_REFERENCE.match(location["uri"])


def test_region_is_left_out_when_the_line_is_unknown(validator: Draft4Validator) -> None:
    finding = Finding("yaml-invalid", "error", "empty", "a.yaml", 0, 0)
    data = sarif(make_result(findings=(finding,)))
    assert list(validator.iter_errors(data)) == []
    assert data["runs"][0]["results"][0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a.yaml", "uriBaseId": "%SRCROOT%"}
    }


def test_suppressions_only_with_show_suppressed(sample: CheckResult) -> None:
    assert all("suppressions" not in r for r in results(sample))
    shown = [r for r in results(sample, show_suppressed=True) if "suppressions" in r]
    assert [r["properties"]["container"] for r in shown] == ["sidecar"]
    assert shown[0]["suppressions"][0]["kind"] == "inSource"
    assert shown[0]["suppressions"][0]["justification"]


def fingerprint(entry: dict[str, Any]) -> str:
    value: str = entry["partialFingerprints"]["kgenFinding/v1"]
    return value


def test_fingerprints_survive_moved_lines_but_not_other_changes(sample: CheckResult) -> None:
    before = [fingerprint(r) for r in results(sample)]
    assert len(set(before)) == len(before)
    moved = tuple(dataclasses.replace(f, line=f.line + 40, column=f.column + 2) for f in sample.findings)
    assert [fingerprint(r) for r in results(make_result(findings=moved))] == before
    renamed = tuple(dataclasses.replace(f, path=f.path + ".x") for f in sample.findings)
    assert all(a != b for a, b in zip(before, (fingerprint(r) for r in results(make_result(findings=renamed)))))


def test_fingerprints_do_not_depend_on_show_suppressed(sample: CheckResult) -> None:
    hidden = {fingerprint(r) for r in results(sample)}
    shown = {fingerprint(r) for r in results(sample, show_suppressed=True)}
    assert hidden < shown


def test_findings_that_hash_alike_are_numbered() -> None:
    first = Finding("replicas-single", "info", "replicas is 1", APP, 8, 3, WEB, path="spec.replicas")
    second = dataclasses.replace(first, line=60)
    prints = [fingerprint(r) for r in results(make_result(findings=(first, second)))]
    assert prints[0].endswith(":1") and prints[1].endswith(":2")
    assert prints[0].split(":")[0] == prints[1].split(":")[0]


def test_pascal_case() -> None:
    assert pascal_case("memory-limits-missing") == "MemoryLimitsMissing"
    assert pascal_case("pdb-blocks-eviction") == "PdbBlocksEviction"
