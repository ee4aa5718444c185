"""GitLab Code Quality: the JSON array of issues GitLab reads from ``artifacts:reports:codequality``.

Each issue has exactly the fields GitLab documents for a custom tool (a subset of the
Code Climate spec), in this order::

    {"description": ..., "check_name": "memory-limits-missing", "fingerprint": "<32 hex>",
     "severity": "minor", "location": {"path": "k8s/app.yaml", "lines": {"begin": 22}}}

- ``description``: the message and the object (``[Deployment shop/web, container web]``).
- ``severity``: error -> ``major``, warning -> ``minor``, info -> ``info``, the scale other
  linters' GitLab reports use, so kgen's findings rank among theirs in the merge request;
  ``critical`` and ``blocker`` stay for what a security scanner finds exploitable.
- ``location.path``: relative to the repository root (``ReportOptions.root``), the
  origin (Helm template, kustomization resource) when known; a file outside the root
  keeps its absolute path, standard input is ``<stdin>``. ``lines.begin`` is at least 1
  (1 for a Helm template, whose own line is not known: the description says the line of
  the rendered document).
- ``fingerprint``: GitLab matches issues of the merge request with the target branch's by
  it, and shows issues sharing one as one. It hashes what ``common.fingerprint_keys``
  hashes (never line numbers) and the occurrence number, so it stays when unrelated lines
  move and two alike findings stay two.
- Suppressed findings (only with ``show_suppressed``) are ``info`` and say what
  suppressed them: GitLab has no notion of a suppressed issue.
"""

from __future__ import annotations

import hashlib
from typing import Any

from kgen.check.result import CheckResult, Finding

from kgen.report.base import ReportOptions
from kgen.report.common import STDIN, absolute_path, context, fingerprint_keys, place, rendered_line, repository_path, suppressed_by
from kgen.report.jsontext import dumps

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def report(result: CheckResult, options: ReportOptions) -> str:
    issues = [
        issue(finding, fingerprint(key), options)
        for finding, key in zip(result.findings, fingerprint_keys(result.findings, options))
        if options.show_suppressed or not finding.suppressed
    ]
    return dumps(issues, indent=2) + "\n"


def fingerprint(key: tuple[str, int]) -> str:
    digest, occurrence = key
    return hashlib.sha256(f"{digest}:{occurrence}".encode("ascii")).hexdigest()[:32]


def issue(finding: Finding, fingerprint: str, options: ReportOptions) -> dict[str, Any]:
    file, line, _ = place(finding)
    description = " ".join(part for part in (finding.message or finding.rule, context(finding)) if part)
    if rendered_line(finding):
        description += f" (rendered line {rendered_line(finding)})"
    if finding.suppressed:
        description += f" (suppressed: {suppressed_by(finding)})"
    return {
        "description": description,
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": "info" if finding.suppressed else SEVERITIES[finding.severity],
        "location": {"path": path(file, options), "lines": {"begin": max(line, 1)}},
    }


def path(file: str, options: ReportOptions) -> str:
    if file == STDIN:
        return file
    return repository_path(file, options) or absolute_path(file, options)
