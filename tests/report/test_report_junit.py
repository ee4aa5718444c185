"""The JUnit reporter: well-formed XML, one testcase per object and rule, counts that add up."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from kgen.check.result import CheckedObject, CheckResult, Finding
from kgen.report.base import ReportOptions
from kgen.report.junit import report

from tests.report.report_factory import APP, BROKEN, ODD, STDIN, WEB, WORKLOAD_RULES, make_result


def parse(result: CheckResult, show_suppressed: bool = False) -> ET.Element:
    return ET.fromstring(report(result, ReportOptions(show_suppressed=show_suppressed)).encode("utf-8"))


def counts(element: ET.Element) -> tuple[str | None, ...]:
    return tuple(element.get(key) for key in ("tests", "failures", "errors", "skipped"))


def case(root: ET.Element, classname: str, name: str) -> ET.Element:
    found = root.find(f".//testcase[@classname='{classname}'][@name='{name}']")
    assert found is not None, (classname, name)
    return found


def test_declaration_and_one_suite_per_file(sample: CheckResult) -> None:
    out = report(sample, ReportOptions())
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = parse(sample)
    assert root.tag == "testsuites"
    assert [suite.get("name") for suite in root] == [STDIN, BROKEN, APP, ODD]


def test_counts_add_up(sample: CheckResult) -> None:
    root = parse(sample)
    assert counts(root) == ("10", "4", "0", "0")
    assert [counts(suite) for suite in root] == [
        ("4", "1", "0", "0"),
        ("1", "1", "0", "0"),
        ("4", "1", "0", "0"),
        ("1", "1", "0", "0"),
    ]
    for suite in root:
        assert int(suite.get("tests", "")) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "")) == len(suite.findall("testcase/failure"))


def test_testcase_per_object_and_rule(sample: CheckResult) -> None:
    root = parse(sample)
    names = [c.get("name") for c in root.findall(f"testsuite[@name='{APP}']/testcase")]
    assert names == [f"Deployment/shop/web: {rule}" for rule in WORKLOAD_RULES]
    assert all(c.get("classname") == APP for c in root.iter("testcase") if c.get("name", "").startswith("Deployment/shop"))


def test_failure_carries_message_severity_position_and_fix(sample: CheckResult) -> None:
    failure = case(parse(sample), APP, "Deployment/shop/web: privileged-container").find("failure")
    assert failure is not None
    assert failure.get("type") == "error"
    assert failure.get("message") == 'Container "web" runs privileged: <true> & root'
    assert failure.text == (
        'k8s/app.yaml:20:13: error privileged-container: Container "web" runs privileged: <true> & root\n'
        "fix: Set securityContext.privileged to false.\n"
    )


def test_findings_without_an_object_are_their_own_failing_testcase(sample: CheckResult) -> None:
    broken = case(parse(sample), BROKEN, "yaml-invalid")
    failure = broken.find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert failure.get("message") == "not valid YAML: mapping values are not allowed here\n  in line 3, column 5"


def test_below_fail_on_passes_with_system_out(sample: CheckResult) -> None:
    replicas = case(parse(sample), APP, "Deployment/shop/web: replicas-single")
    assert replicas.find("failure") is None
    assert replicas.findtext("system-out") == (
        "k8s/app.yaml:8:3: info replicas-single: replicas is 1; at least 2 keeps a replica during a node drain\n"
    )


def test_fail_on_sets_what_fails(sample: CheckResult) -> None:
    assert counts(parse(dataclasses.replace(sample, fail_on="error"))) == ("10", "2", "0", "0")
    assert counts(parse(dataclasses.replace(sample, fail_on="info"))) == ("10", "5", "0", "0")
    never = parse(dataclasses.replace(sample, fail_on="never"))
    assert counts(never) == ("10", "0", "0", "0")
    assert len(never.findall(".//system-out")) == 5


def test_suppressed_findings_never_fail_and_show_only_when_asked(sample: CheckResult) -> None:
    name = "Deployment/shop/web: memory-limits-missing"
    assert case(parse(sample), APP, name).find("system-out") is None
    shown = case(parse(sample, show_suppressed=True), APP, name)
    assert shown.find("failure") is None
    assert "(suppressed)" in shown.findtext("system-out", "")
    assert counts(parse(sample, show_suppressed=True)) == counts(parse(sample))


def test_several_findings_of_one_object_and_rule_share_a_failure() -> None:
    first = Finding("memory-limits-missing", "warning", "no limit on a", APP, 20, 11, WEB, "a")
    second = dataclasses.replace(first, line=30, message="no limit on b", container="b")
    failure = case(parse(make_result(findings=(first, second))), APP, "Deployment/shop/web: memory-limits-missing").find(
        "failure"
    )
    assert failure is not None
    assert failure.get("message") == "2 findings: no limit on a; no limit on b"
    assert (failure.text or "").count("memory-limits-missing") == 2


def test_duplicate_objects_in_one_file_get_their_own_findings() -> None:
    objects = (CheckedObject(WEB, APP, 1, 1, ("replicas-single",)), CheckedObject(WEB, APP, 40, 1, ("replicas-single",)))
    finding = Finding("replicas-single", "warning", "replicas is 1", APP, 48, 3, WEB)
    cases = parse(make_result(findings=(finding,), objects=objects)).findall(".//testcase")
    assert [c.find("failure") is not None for c in cases] == [False, True]


def test_escapes_markup_and_control_characters(sample: CheckResult) -> None:
    hostile = dataclasses.replace(sample.findings[3], message="a <b> & \"c\" ]]> \x00\x1b ✓", file="x&<y>.yaml")
    root = parse(make_result(findings=(hostile,)))
    leftover = root.find(".//failure")
    assert leftover is not None
    assert leftover.get("message") == 'a <b> & "c" ]]> \\x00\\x1b ✓'
    assert [s.get("name") for s in root][-1] == "x&<y>.yaml"


def test_no_findings(clean: CheckResult) -> None:
    root = parse(clean)
    assert counts(root) == ("4", "0", "0", "0")
    assert [c.get("name") for c in root.iter("testcase")] == [f"Deployment/shop/web: {rule}" for rule in WORKLOAD_RULES]


def test_nothing_checked_is_an_empty_but_valid_report() -> None:
    root = parse(make_result(findings=(), objects=()))
    assert (root.tag, counts(root), list(root)) == ("testsuites", ("0", "0", "0", "0"), [])
