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
At most ``MAX_PASSING`` (25,000) passing testcases are listed in a run; a suite's
``tests`` still counts all of its testcases, and its ``<system-out>`` says how many
passing ones are not listed.

No ``time`` or ``timestamp`` attributes: the output depends only on the result.
Characters XML cannot carry (control characters) are written escaped (``\\x1b``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field

from kgen.check.result import SEVERITY_RANK, CheckedObject, CheckResult, Finding, ObjectRef

from kgen.report.base import ReportOptions
from kgen.report.common import is_failure, location, visible
from kgen.safetext import escape_unsafe, inert_lines

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
#: Passing test cases listed in a run (one per object and rule: a tree of 100,000 objects would have
#: millions); the rest are counted in their suite's ``tests`` and said in its ``<system-out>``.
MAX_PASSING = 25_000


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
    unlisted: dict[str, int] = {}
    for case in _cases(result, options, unlisted):
        suites[case.file].append(case)
    for file in unlisted:
        suites.setdefault(file, [])
    root = ET.Element("testsuites", {"name": "kgen"})
    root.extend(_suite(file, suites[file], result.fail_on, unlisted.get(file, 0)) for file in sorted(suites))
    _set_counts(root, sum(_int(s, "tests") for s in root), sum(_int(s, "failures") for s in root))
    ET.indent(root)
    return DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _cases(result: CheckResult, options: ReportOptions, unlisted: dict[str, int]) -> list[_Case]:
    """Testcases for every checked object and rule that has findings, then for the leftover findings,
    and for the passing ones up to MAX_PASSING in all (the rest counted per file in ``unlisted``)."""
    owners = _Owners(result.objects)
    found: dict[tuple[int, str], list[Finding]] = {}
    leftovers: dict[tuple[str, ObjectRef, str], _Case] = {}
    for finding in visible(result, options):
        number = owners.of(finding)
        if number >= 0 and finding.rule in result.objects[number].rules:
            found.setdefault((number, finding.rule), []).append(finding)
            continue
        key = (finding.file, finding.object, finding.rule)
        leftovers.setdefault(key, _Case(finding.file, finding.object, finding.rule, finding.line)).findings.append(finding)
    cases = list(leftovers.values())
    passing = 0
    for number, checked in enumerate(result.objects):
        for rule in checked.rules:
            findings = found.get((number, rule))
            if findings is None and passing >= MAX_PASSING:
                unlisted[checked.file] = unlisted.get(checked.file, 0) + 1
                continue
            passing += findings is None
            cases.append(_Case(checked.file, checked.object, rule, checked.line, findings or []))
    return sorted(cases, key=lambda c: (c.file, c.line, c.name))


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


def _suite(file: str, cases: list[_Case], fail_on: str, unlisted: int = 0) -> ET.Element:
    suite = ET.Element("testsuite", {"name": escape_unsafe(file)})
    suite.extend(_testcase(case, fail_on) for case in cases)
    _set_counts(suite, len(cases) + unlisted, sum(1 for testcase in suite if testcase.find("failure") is not None))
    if unlisted:
        text = f"{unlisted} more passing test cases not listed: a run lists at most {MAX_PASSING:,} passing test cases"
        ET.SubElement(suite, "system-out").text = text
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
    where = escape_unsafe(location(finding), one_line=True)  # a file name may hold a line break
    text = f"{where}: {finding.severity} {finding.rule}{marker}: {finding.message}\n"
    if finding.remediation:
        text += f"fix: {finding.remediation}\n"
    return inert_lines(escape_unsafe(text))


def _set_counts(element: ET.Element, tests: int, failures: int) -> None:
    for key, value in (("tests", tests), ("failures", failures), ("errors", 0), ("skipped", 0)):
        element.set(key, str(value))


def _int(element: ET.Element, key: str) -> int:
    return int(element.get(key, "0"))
