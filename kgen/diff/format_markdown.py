"""The markdown format, ready to post as a pull-request comment.

A summary table, then per object a heading, its risk notes (visible), and a
collapsible ``<details>`` section: the field changes of a changed object, the
(redacted) YAML of an added or removed one.
"""

from __future__ import annotations

import html
import re

from kgen.diff.format_text import ROLLS, SIGNS, field_lines, rollout_lines, shown_changes
from kgen.diff.result import ADDED, REMOVED, DiffResult, ObjectDiff
from kgen.diff.values import block, plural, summary

#: Lines of an added or removed object's YAML shown before it is cut short.
MAX_CONTENT_LINES = 200


def format_markdown(result: DiffResult) -> str:
    """The whole result as GitHub-flavoured markdown; deterministic."""
    if not result.changed:
        return f"### kgen diff: no changes\n\n{summary(result)}\n"
    parts = [f"### kgen diff\n\n{summary(result)}\n", _table(result)]
    parts.extend(_section(obj) for obj in result.objects)
    return "\n".join(parts)


def _table(result: DiffResult) -> str:
    rows = ["| | Object | Changes | Risk notes |", "|---|---|---:|---:|"]
    for obj in result.objects:
        changes = str(len(shown_changes(obj))) if obj.changes else obj.change
        risks = f"⚠️ {len(obj.risks)}" if obj.risks else "0"
        rows.append(f"| `{SIGNS[obj.change]}` | {_code(obj.title)} | {changes} | {risks} |")
    return "\n".join(rows) + "\n"


def _section(obj: ObjectDiff) -> str:
    change = "renamed" if obj.renamed_from is not None else obj.change
    lines = [f"#### `{SIGNS[obj.change]}` {_code(obj.title)} {change}", ""]
    lines.extend(f"- ⚠️ {_escape(risk.reason)}" for risk in obj.risks)
    lines.extend(f"- {ROLLS} {_escape(line)}" for line in rollout_lines(obj))
    if obj.risks or obj.rollout is not None or obj.rolls:
        lines.append("")
    shown = shown_changes(obj)
    if obj.change not in (ADDED, REMOVED) and not shown:
        return "\n".join(lines)
    if obj.change in (ADDED, REMOVED):
        title = f"{obj.change} object"
        body = _content_lines(obj)
        language = "yaml"
    else:
        title = plural(len(shown), "field change")
        body = [line for change in shown for line in _diff_prefixed(field_lines(change))]
        language = "diff"
    fence = _fence(body)
    lines += [
        f"<details><summary>{html.escape(title)}</summary>",
        "",
        f"{fence}{language}",
        *body,
        fence,
        "",
        "</details>",
        "",
    ]
    return "\n".join(lines)


def _diff_prefixed(lines: list[str]) -> list[str]:
    """Field lines for a ```diff block: + and - lines stay, the rest get two spaces."""
    first = lines[0]
    head = first if first.startswith(("+ ", "- ")) else f"  {first}"
    return [head] + lines[1:]


def _content_lines(obj: ObjectDiff) -> list[str]:
    lines = block(obj.content)
    if len(lines) > MAX_CONTENT_LINES:
        hidden = len(lines) - MAX_CONTENT_LINES
        lines = lines[:MAX_CONTENT_LINES] + [f"# ... {plural(hidden, 'more line')}"]
    return lines


def _fence(lines: list[str]) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text else f"`` {text} ``"


def _escape(text: str) -> str:
    """Markdown-inert text: HTML escaped, emphasis and code characters backslashed."""
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", html.escape(text, quote=False))
