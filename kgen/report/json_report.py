"""Machine-readable JSON: ``{"findings": [...], "summary": {...}}``.

Keys come in a fixed order (not sorted) so the output reads top-down and
diffs cleanly; ``container`` is null when the finding is not about one.
Suppressed findings appear only with ``show_suppressed``; the summary counts
them either way. Non-ASCII is written as ``\\u`` escapes, so the bytes are
the same whatever encoding the output goes through.
"""

from __future__ import annotations

from typing import Any

from kgen.check.result import SEVERITIES, CheckResult, Finding, Summary

from kgen.report.base import ReportOptions
from kgen.report.jsontext import dumps
from kgen.report.common import visible


def report(result: CheckResult, options: ReportOptions) -> str:
    document = {
        "findings": [finding_dict(finding) for finding in visible(result, options)],
        "summary": summary_dict(result),
    }
    return dumps(document, indent=2) + "\n"


def finding_dict(finding: Finding) -> dict[str, Any]:
    ref = finding.object
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "object": {
            "apiVersion": ref.api_version,
            "kind": ref.kind,
            "namespace": ref.namespace,
            "name": ref.name,
        },
        "container": finding.container,
        "path": finding.path,
        "remediation": finding.remediation,
        "suppressed": finding.suppressed,
    }


def summary_dict(result: CheckResult) -> dict[str, Any]:
    summary: Summary = result.summary
    return {
        "files": summary.files,
        "documents": summary.documents,
        "objects": summary.objects,
        "skipped": {
            "notKubernetes": summary.skipped_not_kubernetes,
            "unknownKind": summary.skipped_unknown_kind,
        },
        "suppressed": summary.suppressed,
        "bySeverity": {severity: summary.by_severity.get(severity, 0) for severity in SEVERITIES},
        "failOn": result.fail_on,
        "failed": result.failed(),
        "kubernetesVersion": result.kubernetes_version,
    }
