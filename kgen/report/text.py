"""The default, human format: findings grouped by file, like ruff and eslint.

    k8s/app.yaml:12:9: error memory-limits-missing Container has no memory limit [Deployment shop/web, container web]
        fix: Set resources.limits.memory on every container.

A finding in rendered output says where its object was written, after the
context: ``(from shop/templates/web.yaml, rendered line 14)`` for ``helm
template`` output, ``(from base/web.yaml:9)`` for a kustomization's resource.

Files follow one another in the order of the findings (sorted), separated by a
blank line; the summary line comes last. Every line starts with
``path:line:col`` so terminals and editors can jump to it. Control characters
from manifests are shown escaped, never sent to the terminal. Colour (ANSI)
only when ``options.color``.
"""

from __future__ import annotations

from itertools import groupby

from kgen.check.result import CheckResult, Finding

from kgen.report.base import ReportOptions
from kgen.report.common import context, location, origin_text, summary_line, visible
from kgen.safetext import escape_unsafe, inert_lines

INDENT = "    "
_STYLES = {
    "error": "1;31",
    "warning": "1;33",
    "info": "1;36",
    "location": "1",
    "rule": "2",
    "muted": "2",
    "fix": "36",
    "failed": "1;31",
    "passed": "1;32",
    "summary": "1",
}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def report(result: CheckResult, options: ReportOptions) -> str:
    paint = _Paint(options.color)
    blocks = [
        "".join(_finding(finding, paint) for finding in group)
        for _, group in groupby(visible(result, options), key=lambda f: f.file)
    ]
    return "\n".join([*blocks, _summary(result, paint)])


def _finding(finding: Finding, paint: _Paint) -> str:
    # a message quotes names from the input, and a name may hold a line break: no line of it
    # may start with "::", which a CI runner takes as a command
    first, *rest = inert_lines(escape_unsafe(finding.message)).splitlines() or [""]
    head = [
        paint(escape_unsafe(location(finding), one_line=True) + ":", "location"),
        paint(finding.severity, finding.severity),
        paint(finding.rule, "rule"),
        first,
    ]
    head.append(escape_unsafe(context(finding), one_line=True))
    origin = origin_text(finding)
    if origin:
        head.append(paint(f"({escape_unsafe(origin, one_line=True)})", "muted"))
    if finding.suppressed:
        head.append(paint("(suppressed)", "muted"))
    lines = [" ".join(part for part in head if part)]
    lines.extend(INDENT + line for line in rest)
    if finding.suppressed and finding.suppressed_by:
        lines.append(f"{INDENT}{paint('suppressed by', 'muted')} {escape_unsafe(finding.suppressed_by, one_line=True)}")
    if finding.remediation:
        fix, *more = inert_lines(escape_unsafe(finding.remediation)).splitlines() or [""]
        lines.append(f"{INDENT}{paint('fix:', 'fix')} {fix}")
        lines.extend(INDENT + line for line in more)
    return "".join(line + "\n" for line in lines)


def _summary(result: CheckResult, paint: _Paint) -> str:
    if not any(result.summary.by_severity.values()):
        style = "passed"
    else:
        style = "failed" if result.failed() else "summary"
    return paint(summary_line(result), style) + "\n"
