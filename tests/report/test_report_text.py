"""The text reporter: exact output, colour on request, nothing raw reaches the terminal."""

from __future__ import annotations

import dataclasses
import re

from kgen.check.result import CheckResult, Finding
from kgen.report.base import ReportOptions
from kgen.report.text import report

from tests.report.report_factory import APP, WEB, make_result

SAMPLE = """\
<stdin>:12:11: warning memory-limits-missing Container "api" has no memory limit [Deployment default/api, container api]
    fix: Set resources.limits.memory on every container.

broken.yaml:3:5: error yaml-invalid not valid YAML: mapping values are not allowed here
      in line 3, column 5
    fix: Fix the YAML syntax.

k8s/app.yaml:8:3: info replicas-single replicas is 1; at least 2 keeps a replica during a node drain [Deployment shop/web]
k8s/app.yaml:20:13: error privileged-container Container "web" runs privileged: <true> & root [Deployment shop/web, container web]
    fix: Set securityContext.privileged to false.

k8s/dir with space/wéird,name:1.yaml:4:3: warning rbac-wildcard rules[0] grants verbs: *, on resources: secrets, configmaps — ünïcode ✓ [ClusterRole reader]
    fix: List verbs.

2 errors, 2 warnings, 1 info in 5 files (4 objects; 1 suppressed; skipped: 2 not Kubernetes, 1 unknown kind)
"""

SUPPRESSED_LINES = """\
    fix: Set securityContext.privileged to false.
k8s/app.yaml:22:11: warning memory-limits-missing Container "sidecar" has no memory limit [Deployment shop/web, container sidecar] (suppressed)
    fix: Set resources.limits.memory on every container.

"""

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_findings_grouped_by_file_with_fixes_and_summary(sample: CheckResult) -> None:
    assert report(sample, ReportOptions()) == SAMPLE


def test_suppressed_findings_are_marked_when_shown(sample: CheckResult) -> None:
    out = report(sample, ReportOptions(show_suppressed=True))
    assert SUPPRESSED_LINES in out
    assert out.replace(SUPPRESSED_LINES, "    fix: Set securityContext.privileged to false.\n\n") == SAMPLE


def test_no_findings_says_so(clean: CheckResult) -> None:
    assert report(clean, ReportOptions()) == "no problems found in 2 objects (1 file)\n"


def test_only_suppressed_findings_still_say_no_problems() -> None:
    suppressed = Finding("replicas-single", "info", "replicas is 1", APP, 8, 3, WEB, suppressed=True)
    result = make_result(findings=(suppressed,), files=1)
    expected = "no problems found in 4 objects (1 file; 1 suppressed; skipped: 2 not Kubernetes, 1 unknown kind)\n"
    assert report(result, ReportOptions()) == expected
    shown = report(result, ReportOptions(show_suppressed=True))
    assert shown == "k8s/app.yaml:8:3: info replicas-single replicas is 1 [Deployment shop/web] (suppressed)\n\n" + expected


def test_singular_counts_and_unknown_positions() -> None:
    finding = Finding("yaml-invalid", "error", "empty file", "a.yaml", 0, 0)
    result = make_result(findings=(finding,), objects=(), files=1)
    assert report(result, ReportOptions()) == (
        "a.yaml: error yaml-invalid empty file\n\n"
        "1 error in 1 file (0 objects; skipped: 2 not Kubernetes, 1 unknown kind)\n"
    )


def test_colour_only_when_asked_and_it_changes_nothing_else(sample: CheckResult) -> None:
    assert "\x1b" not in report(sample, ReportOptions())
    coloured = report(sample, ReportOptions(color=True))
    assert "\x1b[1;31merror\x1b[0m" in coloured
    assert "\x1b[1;33mwarning\x1b[0m" in coloured
    assert ANSI.sub("", coloured) == SAMPLE


def test_control_characters_from_manifests_are_escaped(sample: CheckResult) -> None:
    hostile = dataclasses.replace(sample.findings[0], message="image \x1b[2Jevil\x07\u009b", file="a\rb.yaml")
    out = report(make_result(findings=(hostile,)), ReportOptions())
    assert out.startswith("a\\x0db.yaml:12:11: warning memory-limits-missing image \\x1b[2Jevil\\x07\\x9b [")
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
