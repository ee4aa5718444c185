"""Machine-readable JSON: ``{"config": ..., "findings": [...], "summary": {...}}``.

Keys come in a fixed order (not sorted) and every key is always there, so the
output reads top-down, diffs cleanly and a reader need not test for a key:

- ``config``: the ``.kgen.yaml`` applied, as given or found; null for defaults only.
- per finding: ``origin`` is ``{"file", "line"}`` where the object was written before a
  tool rendered it (a Helm template, a kustomization's resource file; ``line`` 0 when
  unknown), null when it was checked where it was written; ``container`` null when the
  finding is not about one; ``suppressedBy`` says what suppressed it
  (``annotation kgen.dev/ignore``, ``exemption .kgen.yaml:12: <reason>``, ``comment
  kgen:ignore at <file>:<line>: <reason>``), null when it is not suppressed; ``notShown`` is 0 for a
  finding, and N for a note that stands for N findings of its rule on its object that are counted
  but not listed (kgen.check.cut: at most 20 of one rule and 100 in all per object, 25,000 per run).
- ``summary.notShown``: the active findings counted in ``bySeverity`` but not listed.

Suppressed findings appear only with ``show_suppressed``; the summary counts
them either way. Non-ASCII is written as ``\\u`` escapes, so the bytes are
the same whatever encoding the output goes through. File names stay as given.
"""

from __future__ import annotations

from typing import Any

from kgen.check.result import SEVERITIES, CheckResult, Finding, Summary

from kgen.report.base import ReportOptions
from kgen.report.jsontext import dumps
from kgen.report.common import suppressed_by, visible


def report(result: CheckResult, options: ReportOptions) -> str:
    document = {
        "config": result.config_file,
        "findings": (finding_dict(finding) for finding in visible(result, options)),  # made as written
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
        "origin": {"file": finding.origin, "line": finding.origin_line} if finding.origin else None,
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
        "suppressedBy": suppressed_by(finding),
        "notShown": finding.more,
    }


def summary_dict(result: CheckResult) -> dict[str, Any]:
    summary: Summary = result.summary
    dockerfiles = {"dockerfiles": summary.dockerfiles} if summary.dockerfiles else {}  # a run of manifests only says nothing of them
    return {
        "files": summary.files,
        "documents": summary.documents,
        "objects": summary.objects,
        **dockerfiles,
        "skipped": {
            "notKubernetes": summary.skipped_not_kubernetes,
            "unknownKind": summary.skipped_unknown_kind,
        },
        "suppressed": summary.suppressed,
        "notShown": summary.not_shown,
        "bySeverity": {severity: summary.by_severity.get(severity, 0) for severity in SEVERITIES},
        "failOn": result.fail_on,
        "failed": result.failed(),
        "kubernetesVersion": result.kubernetes_version,
    }
