"""The GitHub Actions reporter: exact workflow commands and the runner's escaping."""

from __future__ import annotations

import dataclasses

from kgen.check.result import CheckResult, Finding
from kgen.report.base import ReportOptions
from kgen.report.github import command, escape_data, escape_property, report

from tests.report.report_factory import make_result

SAMPLE = """\
::warning line=12,col=11,title=memory-limits-missing::Container "api" has no memory limit [Deployment default/api, container api]%0Afix: Set resources.limits.memory on every container.
::error file=broken.yaml,line=3,col=5,title=yaml-invalid::not valid YAML: mapping values are not allowed here%0A  in line 3, column 5%0Afix: Fix the YAML syntax.
::notice file=k8s/app.yaml,line=8,col=3,title=replicas-single::replicas is 1; at least 2 keeps a replica during a node drain [Deployment shop/web]
::error file=k8s/app.yaml,line=20,col=13,title=privileged-container::Container "web" runs privileged: <true> & root [Deployment shop/web, container web]%0Afix: Set securityContext.privileged to false.
::warning file=k8s/dir with space/wéird%2Cname%3A1.yaml,line=4,col=3,title=rbac-wildcard::rules[0] grants verbs: *, on resources: secrets, configmaps — ünïcode ✓ [ClusterRole reader]%0Afix: List verbs.
kgen: 2 errors, 2 warnings, 1 info in 5 files (4 objects; 1 suppressed; skipped: 2 not Kubernetes, 1 unknown kind)
"""

SUPPRESSED = (
    "::notice file=k8s/app.yaml,line=22,col=11,title=memory-limits-missing (suppressed)::"
    'Container "sidecar" has no memory limit [Deployment shop/web, container sidecar]'
    "%0Afix: Set resources.limits.memory on every container.%0Asuppressed by: annotation kgen.dev/ignore\n"
)


def test_one_command_per_finding_then_a_plain_summary(sample: CheckResult) -> None:
    assert report(sample, ReportOptions()) == SAMPLE


def test_suppressed_findings_become_notices_when_shown(sample: CheckResult) -> None:
    lines = report(sample, ReportOptions(show_suppressed=True)).splitlines(keepends=True)
    assert lines[4] == SUPPRESSED
    assert "".join(lines[:4] + lines[5:]) == SAMPLE


def test_no_findings_is_only_the_summary(clean: CheckResult) -> None:
    assert report(clean, ReportOptions()) == "kgen: no problems found in 2 objects (1 file)\n"


def test_escaping_follows_the_runner() -> None:
    assert escape_data("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad"
    assert escape_property("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad"


def test_a_message_cannot_start_another_command(sample: CheckResult) -> None:
    finding = dataclasses.replace(sample.findings[2], message="x\n::error file=evil::pwned\x1b[31m")
    line = command(finding)
    assert "\n" not in line and "\x1b" not in line
    assert line.startswith("::notice file=k8s/app.yaml,line=8,col=3,title=replicas-single::x%0A::error file=evil::pwned\\x1b[31m")


def test_unknown_position_leaves_line_and_col_out() -> None:
    finding = Finding("yaml-invalid", "error", "empty", "a,b.yaml", 0, 0)
    assert command(finding) == "::error file=a%2Cb.yaml,title=yaml-invalid::empty"
    assert report(make_result(findings=(finding,)), ReportOptions()).startswith(command(finding) + "\n")


def test_a_suppressed_finding_says_what_suppressed_it(sample: CheckResult) -> None:
    finding = dataclasses.replace(sample.findings[2], suppressed=True, suppressed_by="exemption .kgen.yaml:12: vendor chart, OPS-1")
    assert command(finding).endswith("[Deployment shop/web]%0Asuppressed by: exemption .kgen.yaml:12: vendor chart, OPS-1")


def test_files_are_relative_to_the_repository_root(sample: CheckResult) -> None:
    finding = sample.findings[2]  # k8s/app.yaml:8:3
    below = ReportOptions(root="/repo", cwd="/repo/deploy")
    assert command(finding, below).startswith("::notice file=deploy/k8s/app.yaml,line=8,col=3,")
    outside = dataclasses.replace(finding, file="../../elsewhere/app.yaml")
    assert command(outside, below).startswith("::notice file=/elsewhere/app.yaml,line=8,col=3,")
    assert command(dataclasses.replace(finding, file="./k8s/app.yaml")).startswith("::notice file=k8s/app.yaml,")


def test_a_finding_in_rendered_output_points_at_its_origin(sample: CheckResult) -> None:
    helm = dataclasses.replace(sample.findings[3], file="<stdin>", line=140, column=13, origin="chart/templates/deployment.yaml")
    assert command(helm) == (
        "::error file=chart/templates/deployment.yaml,title=privileged-container::"
        'Container "web" runs privileged: <true> & root [Deployment shop/web, container web]'
        "%0Afix: Set securityContext.privileged to false.%0Arendered at: <stdin>:140:13"
    )
    mapped = dataclasses.replace(helm, file="build/all.yaml", origin="base/deploy.yaml", origin_line=7)
    line = command(mapped, ReportOptions(root="/repo", cwd="/repo/overlays"))
    assert line.startswith("::error file=overlays/base/deploy.yaml,line=7,title=privileged-container::")
    assert line.endswith("%0Arendered at: build/all.yaml:140:13")


def test_a_helm_template_line_counts_the_rendered_document(sample: CheckResult) -> None:
    helm = dataclasses.replace(
        sample.findings[3], file="<stdin>", line=140, column=13, origin="shop/templates/web.yaml", origin_line=14, origin_rendered=True
    )
    line = command(helm)
    assert line.startswith("::error file=shop/templates/web.yaml,title=privileged-container::")
    assert line.endswith("%0Arendered at: <stdin>:140:13 (line 14 of what shop/templates/web.yaml rendered)")
