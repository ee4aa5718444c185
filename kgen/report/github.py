"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=k8s/app.yaml,line=12,col=9,title=memory-limits-missing::Container has no memory limit [Deployment shop/web]%0Afix: Set ...

error -> ``::error``, warning -> ``::warning``, info -> ``::notice``.
Suppressed findings (only with ``show_suppressed``) are notices titled
``rule-id (suppressed)`` that say what suppressed them. ``file`` is relative to
the repository root (``ReportOptions.root``; as given without one), which is
what the runner resolves it against; a finding in rendered output names the file
it came from (``origin``: a Helm template, a kustomization's resource file), its
line when known and no column, and says where it was rendered. ``<stdin>`` names
no file in the repository, so its findings carry no ``file``; line and column are
left out when unknown (0).
Escaping follows the runner: data escapes ``%``, CR and LF; property values
also ``:`` and ``,``; control characters from manifests are shown escaped
(``\\x1b``) so they cannot drive the log viewer. The summary comes last as plain
text, never a command.
"""

from __future__ import annotations

from kgen.check.result import CheckResult, Finding

from kgen.report.base import ReportOptions
from kgen.report.common import (
    STDIN,
    absolute_path,
    context,
    location,
    place,
    rendered_line,
    repository_path,
    summary_line,
    suppressed_by,
    visible,
)
from kgen.safetext import escape_unsafe

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def report(result: CheckResult, options: ReportOptions) -> str:
    lines = [command(finding, options) for finding in visible(result, options)]
    lines.append("kgen: " + summary_line(result))
    return "".join(line + "\n" for line in lines)


def command(finding: Finding, options: ReportOptions = ReportOptions()) -> str:
    name = "notice" if finding.suppressed else COMMANDS[finding.severity]
    properties = ",".join(f"{key}={escape_property(escape_unsafe(value))}" for key, value in _properties(finding, options))
    return f"::{name} {properties}::{escape_data(escape_unsafe(_message(finding)))}"


def _properties(finding: Finding, options: ReportOptions) -> list[tuple[str, str]]:
    file, line, column = place(finding)
    properties = [] if file == STDIN else [("file", repository_path(file, options) or absolute_path(file, options))]
    if line > 0:
        properties.append(("line", str(line)))
        if column > 0:
            properties.append(("col", str(column)))
    title = f"{finding.rule} (suppressed)" if finding.suppressed else finding.rule
    properties.append(("title", title))
    return properties


def _message(finding: Finding) -> str:
    text = " ".join(part for part in (finding.message, context(finding)) if part)
    if finding.remediation:
        text += f"\nfix: {finding.remediation}"
    if finding.origin:
        text += f"\nrendered at: {location(finding)}"
        if rendered_line(finding):
            text += f" (line {rendered_line(finding)} of what {finding.origin} rendered)"
    if finding.suppressed:
        text += f"\nsuppressed by: {suppressed_by(finding)}"
    return text


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")

