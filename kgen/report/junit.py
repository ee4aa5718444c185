"""JUnit XML for CI test views (Jenkins, GitLab, CircleCI).

One ``<testsuite>`` per file (sorted), one ``<testcase>`` per checked object
and rule applied to it: ``classname`` is the file, ``name`` is
``Kind/namespace/name: rule-id``. A testcase fails when it has a finding at or
above ``result.fail_on`` (none do with ``--fail-on never``); its ``<failure>``
(``type`` = the worst severity) lists all of them, with ``file:line:col`` and
the fix. Findings below the threshold, and suppressed ones with
``show_suppressed``, do not fail the testcase: they go to its ``<system-out>``,
so the test view agrees with the exit code. Findings that belong to no checked
object and rule (a file that did not parse) form their own testcase per file,
object and rule, named the same way, or just ``rule-id`` without an object.

No ``time`` or ``timestamp`` attributes: the output depends only on the result.
Characters XML cannot carry (control characters) are written escaped (``\\x1b``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field

from kgen.check.result import SEVERITY_RANK, CheckedObject, CheckResult, Finding, ObjectRef

from kgen.report.base import ReportOptions
from kgen.report.common import escape_unsafe, is_failure, location, visible

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass
class _Case:
    file: str
    ref: ObjectRef
    rule: str
    line: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        label = self.ref.display()
        return f"{label}: {self.rule}" if label else self.rule


def report(result: CheckResult, options: ReportOptions) -> str:
    suites: dict[str, list[_Case]] = defaultdict(list)
    for case in _cases(result, options):
        suites[case.file].append(case)
    root = ET.Element("testsuites", {"name": "kgen"})
    root.extend(_suite(file, suites[file], result.fail_on) for file in sorted(suites))
    _set_counts(root, sum(_int(s, "tests") for s in root), sum(_int(s, "failures") for s in root))
    ET.indent(root)
    return DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _cases(result: CheckResult, options: ReportOptions) -> list[_Case]:
    """Testcases for every checked object and rule, then for the leftover findings."""
    cases = {
        (number, rule): _Case(checked.file, checked.object, rule, checked.line)
        for number, checked in enumerate(result.objects)
        for rule in checked.rules
    }
    owners = _Owners(result.objects)
    leftovers: dict[tuple[str, ObjectRef, str], _Case] = {}
    for finding in visible(result, options):
        case = cases.get((owners.of(finding), finding.rule))
        if case is None:
            key = (finding.file, finding.object, finding.rule)
            case = leftovers.setdefault(key, _Case(finding.file, finding.object, finding.rule, finding.line))
        case.findings.append(finding)
    return sorted([*cases.values(), *leftovers.values()], key=lambda c: (c.file, c.line, c.name))


class _Owners:
    """Finds the checked object a finding is about: same file and reference; among
    duplicates, the last one starting at or before the finding's line."""

    def __init__(self, objects: tuple[CheckedObject, ...]) -> None:
        self.objects = objects
        self.by_ref: dict[tuple[str, ObjectRef], list[int]] = defaultdict(list)
        for number, checked in enumerate(objects):
            self.by_ref[(checked.file, checked.object)].append(number)

    def of(self, finding: Finding) -> int:
        """The object's position in ``objects``, or -1 for none."""
        candidates = self.by_ref.get((finding.file, finding.object), []) if finding.object.kind else []
        before = [n for n in candidates if self.objects[n].line <= finding.line]
        if before:
            return before[-1]
        return candidates[0] if candidates else -1


def _suite(file: str, cases: list[_Case], fail_on: str) -> ET.Element:
    suite = ET.Element("testsuite", {"name": escape_unsafe(file)})
    suite.extend(_testcase(case, fail_on) for case in cases)
    _set_counts(suite, len(cases), sum(1 for testcase in suite if testcase.find("failure") is not None))
    return suite


def _testcase(case: _Case, fail_on: str) -> ET.Element:
    element = ET.Element("testcase", {"classname": escape_unsafe(case.file), "name": escape_unsafe(case.name)})
    failing = [f for f in case.findings if is_failure(f, fail_on)]
    passing = [f for f in case.findings if not is_failure(f, fail_on)]
    if failing:
        worst = max(failing, key=lambda f: SEVERITY_RANK[f.severity])
        attributes = {"message": escape_unsafe(_message(failing)), "type": worst.severity}
        ET.SubElement(element, "failure", attributes).text = _details(failing)
    if passing:
        ET.SubElement(element, "system-out").text = _details(passing)
    return element


def _message(findings: list[Finding]) -> str:
    if len(findings) == 1:
        return findings[0].message
    return f"{len(findings)} findings: " + "; ".join(f.message for f in findings)


def _details(findings: list[Finding]) -> str:
    return "".join(_detail(finding) for finding in findings)


def _detail(finding: Finding) -> str:
    marker = " (suppressed)" if finding.suppressed else ""
    text = f"{location(finding)}: {finding.severity} {finding.rule}{marker}: {finding.message}\n"
    if finding.remediation:
        text += f"fix: {finding.remediation}\n"
    return escape_unsafe(text)


def _set_counts(element: ET.Element, tests: int, failures: int) -> None:
    for key, value in (("tests", tests), ("failures", failures), ("errors", 0), ("skipped", 0)):
        element.set(key, str(value))


def _int(element: ET.Element, key: str) -> int:
    return int(element.get(key, "0"))
