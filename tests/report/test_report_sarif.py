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

from tests.report.report_factory import APP, FINDINGS, RULES, WEB, make_result

# RFC 3986 URI-reference characters, with "%" only as the start of an escape.
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*$")


@pytest.fixture(scope="module")
def validator(sarif_schema_path: Path) -> Draft4Validator:
    schema = json.loads(sarif_schema_path.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def sarif(result: CheckResult, show_suppressed: bool = False, root: str = "", cwd: str = "") -> dict[str, Any]:
    options = ReportOptions(show_suppressed=show_suppressed, root=root, cwd=cwd)
    data: dict[str, Any] = json.loads(report(result, options))
    return data


def results(result: CheckResult, show_suppressed: bool = False, root: str = "", cwd: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = sarif(result, show_suppressed, root, cwd)["runs"][0]["results"]
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
    assert run["invocations"] == [{"executionSuccessful": True, "properties": {"configFile": None}}]
    assert run["automationDetails"] == {"id": "kgen/check/"}
    assert "originalUriBaseIds" not in run  # no root given: paths stay as given
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
    assert shown[0]["suppressions"] == [{"kind": "inSource", "justification": "Suppressed by annotation kgen.dev/ignore"}]


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


# --- paths from the repository root, origins, config, suppressions, rule help --------------


def uris(data: dict[str, Any]) -> list[dict[str, str]]:
    return [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in data["runs"][0]["results"]]


def test_paths_are_relative_to_the_repository_root_from_any_folder(validator: Draft4Validator) -> None:
    files = ("k8s/a b.yaml", "../base/app.yaml", "/repo/deploy/abs.yaml", "/elsewhere/x.yaml", "../../up.yaml", "<stdin>")
    found = tuple(dataclasses.replace(FINDINGS[2], file=file, line=n + 1) for n, file in enumerate(files))
    data = sarif(make_result(findings=found), root="/repo", cwd="/repo/deploy")
    assert list(validator.iter_errors(data)) == []
    assert data["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///repo/"}}
    by_line = {r["locations"][0]["physicalLocation"]["region"]["startLine"]: r for r in data["runs"][0]["results"]}
    assert [by_line[n + 1]["locations"][0]["physicalLocation"]["artifactLocation"] for n in range(len(files))] == [
        {"uri": "deploy/k8s/a%20b.yaml", "uriBaseId": "%SRCROOT%"},
        {"uri": "base/app.yaml", "uriBaseId": "%SRCROOT%"},
        {"uri": "deploy/abs.yaml", "uriBaseId": "%SRCROOT%"},
        {"uri": "file:///elsewhere/x.yaml"},
        {"uri": "file:///up.yaml"},
        {"uri": "stdin"},
    ]


@pytest.mark.parametrize(
    ("root", "base"),
    [("/repo", "file:///repo/"), ("/my repo/ü", "file:///my%20repo/%C3%BC/"), ("/", "file:///")],
)
def test_the_root_is_a_file_uri_ending_in_a_slash(root: str, base: str, sample: CheckResult) -> None:
    run = sarif(sample, root=root, cwd=root)["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": base}}
    assert not any(location["uri"].startswith("file:") for location in uris(sarif(sample, root=root, cwd=root)))


def test_the_config_file_applied_is_named(validator: Draft4Validator, sample: CheckResult) -> None:
    for config, location in (
        (".kgen.yaml", {"uri": "deploy/.kgen.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/repo/ci/kgen config.yaml", {"uri": "ci/kgen%20config.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/etc/kgen.yaml", {"uri": "file:///etc/kgen.yaml"}),
    ):
        data = sarif(dataclasses.replace(sample, config_file=config), root="/repo", cwd="/repo/deploy")
        assert list(validator.iter_errors(data)) == []
        assert data["runs"][0]["invocations"] == [{"executionSuccessful": True, "properties": {"configFile": location}}]


@pytest.mark.parametrize(
    ("suppressed_by", "kind"),
    [
        ("annotation kgen.dev/ignore", "inSource"),
        ("comment kgen:ignore at k8s/app.yaml:19: runs the node agent", "inSource"),
        ("exemption .kgen.yaml:12: vendor chart, tracked in OPS-1", "external"),
        ("", "inSource"),
    ],
)
def test_suppressions_say_what_suppressed_them(validator: Draft4Validator, suppressed_by: str, kind: str) -> None:
    finding = dataclasses.replace(FINDINGS[3], suppressed=True, suppressed_by=suppressed_by)
    data = sarif(make_result(findings=(finding,)), show_suppressed=True)
    assert list(validator.iter_errors(data)) == []
    justification = f"Suppressed by {suppressed_by or 'annotation kgen.dev/ignore'}"
    assert data["runs"][0]["results"][0]["suppressions"] == [{"kind": kind, "justification": justification}]


def test_a_result_points_at_the_origin_and_keeps_the_rendered_place(validator: Draft4Validator) -> None:
    helm = dataclasses.replace(FINDINGS[3], file="<stdin>", line=140, column=13, origin="chart/templates/deployment.yaml")
    kustomize = dataclasses.replace(FINDINGS[2], file="/repo/build/all.yaml", line=8, column=3, origin="../base/deploy.yaml", origin_line=7)
    data = sarif(make_result(findings=(helm, kustomize)), root="/repo", cwd="/repo/overlays")
    assert list(validator.iter_errors(data)) == []
    second, first = data["runs"][0]["results"]  # sorted by the checked file: "/repo/..." before "<stdin>"
    assert (first["ruleId"], second["ruleId"]) == ("privileged-container", "replicas-single")
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "overlays/chart/templates/deployment.yaml", "uriBaseId": "%SRCROOT%"}
    }
    assert first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "shop/Deployment/web"
    assert first["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": {"artifactLocation": {"uri": "stdin"}, "region": {"startLine": 140, "startColumn": 13}},
            "message": {"text": "The object as rendered, where kgen checked it."},
        }
    ]
    assert second["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "base/deploy.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7},
    }
    assert second["relatedLocations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "build/all.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 8, "startColumn": 3},
    }
    assert all("relatedLocations" not in r for r in results(make_result()))


def test_fingerprints_follow_the_repository_path_not_the_folder_kgen_ran_in() -> None:
    here = dataclasses.replace(FINDINGS[3], file="deploy/k8s/app.yaml")
    there = dataclasses.replace(FINDINGS[3], file="k8s/app.yaml")
    at_root = [fingerprint(r) for r in results(make_result(findings=(here,)), root="/repo", cwd="/repo")]
    below = [fingerprint(r) for r in results(make_result(findings=(there,)), root="/repo", cwd="/repo/deploy")]
    assert at_root == below
    other = [fingerprint(r) for r in results(make_result(findings=(there,)), root="/repo", cwd="/repo")]
    assert other != at_root


def test_built_in_rules_link_their_section_of_the_rules_page() -> None:
    from kgen.check.docs import rules_markdown
    from kgen.check.policy import RULES_DOC_URL, builtin_policy_dir, load_policy_dirs

    policies = load_policy_dirs([builtin_policy_dir()])
    page = rules_markdown(policies).splitlines()
    for policy in policies:
        uri = policy.info().help_uri
        assert uri == f"{RULES_DOC_URL}#{policy.id}"
        assert f"## {policy.id}" in page  # the heading whose anchor is the rule id
        assert re.fullmatch(r"[a-z0-9-]+", policy.id)  # so the anchor is the id itself
    assert RULES_DOC_URL.startswith("https://") and RULES_DOC_URL.endswith("/docs/rules.md")
    custom = dataclasses.replace(policies[0], shipped=False)
    assert custom.info().help_uri == ""
    descriptor = next(r for r in sarif(make_result())["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "replicas-single")
    assert "helpUri" not in descriptor  # a rule without a page gets no link


def test_kgen_check_sarif_from_a_subfolder_of_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validator: Draft4Validator
) -> None:
    from click.testing import CliRunner

    from kgen.cli import cli

    (tmp_path / ".git").write_text("gitdir: ../.git/worktrees/x\n", encoding="utf-8")  # a linked worktree
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (deploy / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tools\nspec:\n  containers:\n    - name: tools\n      image: busybox:latest\n",
        encoding="utf-8",
    )
    (tmp_path / ".kgen.yaml").write_text("failOn: error\n", encoding="utf-8")
    monkeypatch.chdir(deploy)
    result = CliRunner().invoke(cli, ["check", "pod.yaml", "--format", "sarif"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(validator.iter_errors(data)) == []
    run = data["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    assert {(a["uri"], a.get("uriBaseId")) for a in uris(data)} == {("deploy/pod.yaml", "%SRCROOT%")}
    assert run["invocations"][0]["properties"]["configFile"] == {"uri": ".kgen.yaml", "uriBaseId": "%SRCROOT%"}
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["image-tag-mutable"]["helpUri"].endswith("/docs/rules.md#image-tag-mutable")


def test_a_helm_template_line_counts_the_rendered_document_so_no_region(validator: Draft4Validator) -> None:
    helm = dataclasses.replace(
        FINDINGS[3], file="<stdin>", line=140, column=13, origin="shop/templates/web.yaml", origin_line=14, origin_rendered=True
    )
    data = sarif(make_result(findings=(helm,)), root="/repo", cwd="/repo")
    assert list(validator.iter_errors(data)) == []
    result = data["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "shop/templates/web.yaml", "uriBaseId": "%SRCROOT%"}
    }
    assert result["properties"]["renderedLine"] == 14
    assert result["relatedLocations"][0]["physicalLocation"]["region"] == {"startLine": 140, "startColumn": 13}
