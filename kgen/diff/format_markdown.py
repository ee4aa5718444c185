"""The markdown format, ready to post as a pull-request comment.

A summary table, then per object a heading, its risk notes (visible), and a
collapsible ``<details>`` section: the field changes of a changed object, the
(redacted) YAML of an added or removed one.
"""

from __future__ import annotations

import html
import re
from typing import Any

from kgen.diff.format_text import ROLLS, SIGNS, collapse, field_lines, more_line, rollout_lines, shown_changes
from kgen.diff.result import ADDED, REMOVED, DiffResult, FieldChange, ObjectDiff
from kgen.diff.values import block, plural, summary
from kgen.safetext import escape_unsafe

#: Lines of an added or removed object's YAML shown before it is cut short.
MAX_CONTENT_LINES = 200


#: GitHub's limit on a comment's body, in characters.
GITHUB_COMMENT_LIMIT = 65_536


def format_markdown(result: DiffResult, max_chars: int | None = GITHUB_COMMENT_LIMIT, max_bytes: int | None = None) -> str:
    """The whole result as GitHub-flavoured markdown; deterministic.

    When it would be longer than ``max_chars`` characters (GitHub's comment limit by default) or
    ``max_bytes`` UTF-8 bytes, the summary, the table, every heading, risk note and rollout line
    stay, and the field changes are cut: those of objects with risk notes are kept first, then the
    others in order, and each object cut says how much of it was left out."""
    if not result.changed:
        return f"### kgen diff: no changes\n\n{summary(result)}\n"
    shared, objects = collapse(result)
    head = [f"### kgen diff\n\n{summary(result)}\n", _table(result)]
    if shared:
        head.append(_shared(shared))
    full = "\n".join([*head, *(_section(obj) for obj in objects)])
    if _fits(full, max_chars, max_bytes):
        return full
    parts = list(head)
    # every object without its block (a note in its place, longer than the block's frame), and room
    # for the one object that is cut part-way: its frame and its note both
    fixed = _size("\n".join([*head, *(_section(obj, keep=0) for obj in objects)]), max_chars, max_bytes)
    room = _room(max_chars, max_bytes) - fixed - CUT_ROOM
    cut = False
    kept: dict[int, int] = {}
    # the field changes of objects with risk notes first (what a reviewer reads them for), then in order
    for index in sorted(range(len(objects)), key=lambda i: (not objects[i].risks, i)):
        body = _body_lines(objects[index])
        keep = 0
        for line in [] if cut else body:
            size = _size(line + "\n", max_chars, max_bytes)
            if size > room:
                break
            room -= size
            keep += 1
        cut = cut or keep < len(body)
        kept[index] = keep
    parts.extend(_section(obj, keep=kept[index]) for index, obj in enumerate(objects))
    return "\n".join(parts)


#: The frame of a collapsible block ("<details>…```diff…```…</details>") and the note of a cut one.
CUT_ROOM = 400


def _room(max_chars: int | None, max_bytes: int | None) -> int:
    return min(limit for limit in (max_chars, max_bytes, 1 << 62) if limit is not None)


def _size(text: str, max_chars: int | None, max_bytes: int | None) -> int:
    """The measure the tighter limit counts in: bytes when a byte limit is set, else characters."""
    return len(text.encode("utf-8")) if max_bytes is not None else len(text)


def _fits(text: str, max_chars: int | None, max_bytes: int | None) -> bool:
    return (max_chars is None or len(text) <= max_chars) and (max_bytes is None or len(text.encode("utf-8")) <= max_bytes)


def _shared(shared: list[tuple[FieldChange, int]]) -> str:
    """The label changes several objects share, each once with their count."""
    lines = ["**The same change on several objects:**", ""]
    for change, count in shared:
        first, *rest = field_lines(change)
        lines.append(f"- {_code(first)} on {count} objects")
        lines.extend(f"  {_code(line)}" for line in rest)
    return "\n".join(lines) + "\n"


def _table(result: DiffResult) -> str:
    rows = ["| | Object | Changes | Risk notes |", "|---|---|---:|---:|"]
    for obj in result.objects:
        changes = str(len(shown_changes(obj)) + obj.more_changes) if obj.changes else obj.change
        risks = f"⚠️ {len(obj.risks)}" if obj.risks else "0"
        rows.append(f"| `{SIGNS[obj.change]}` | {_code(obj.title)} | {changes} | {risks} |")
    return "\n".join(rows) + "\n"


def _body_lines(obj: ObjectDiff) -> list[str]:
    """The lines of an object's collapsible block: its field changes, or its YAML."""
    if obj.change in (ADDED, REMOVED):
        return _content_lines(obj)
    lines = [line for change in shown_changes(obj) for line in _diff_prefixed(field_lines(change))]
    more = more_line(obj)
    return lines + [f"  {more}"] if more is not None else lines


def _section(obj: ObjectDiff, keep: int | None = None) -> str:
    """One object; with ``keep``, only that many lines of its block (and a note on the rest)."""
    change = "renamed" if obj.renamed_from is not None else obj.change
    lines = [f"#### `{SIGNS[obj.change]}` {_code(obj.title)} {change}", ""]
    lines.extend(f"- ⚠️ {_escape(risk.reason)}" for risk in obj.risks)
    lines.extend(f"- {ROLLS} {_escape(line)}" for line in rollout_lines(obj))
    if obj.risks or obj.rollout is not None or obj.rolls:
        lines.append("")
    shown = shown_changes(obj)
    if obj.change not in (ADDED, REMOVED) and not shown:
        return "\n".join(lines)
    body = _body_lines(obj)
    if obj.change in (ADDED, REMOVED):
        title = f"{obj.change} object"
        language = "yaml"
    else:
        title = plural(len(shown) + obj.more_changes, "field change")
        language = "diff"
    if keep is not None and keep < len(body):
        left = len(body) - keep
        cut = f"{plural(left, 'line')} of {len(body)} left out to fit the comment; `kgen diff --format text` shows them all"
        if keep == 0:
            lines += [f"_{_escape(title)}: {cut}._", ""]
            return "\n".join(lines)
        body = body[:keep]
        title = f"{title} ({plural(left, 'line')} left out)"
        lines_after = [f"_{cut}._", ""]
    else:
        lines_after = []
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
        *lines_after,
    ]
    return "\n".join(lines)


def _diff_prefixed(lines: list[str]) -> list[str]:
    """Field lines for a ```diff block: + and - lines stay, the rest get two spaces."""
    first = lines[0]
    head = first if first.startswith(("+ ", "- ")) else f"  {first}"
    return [head] + lines[1:]


#: Nodes of an added or removed object up to which its YAML is made whole (and its lines counted).
_WHOLE_CONTENT_NODES = 20_000


def _content_lines(obj: ObjectDiff) -> list[str]:
    budget = [_WHOLE_CONTENT_NODES]
    content = _pruned(obj.content, budget)
    if budget[0] < 0:  # a larger object: only the YAML of its first nodes is made, for the lines shown
        lines = block(_pruned(obj.content, [10 * MAX_CONTENT_LINES]))[:MAX_CONTENT_LINES]
        return lines + [f"# ... the rest left out (more than {_WHOLE_CONTENT_NODES:,} fields and items)"]
    lines = block(content)
    if len(lines) > MAX_CONTENT_LINES:
        hidden = len(lines) - MAX_CONTENT_LINES
        lines = lines[:MAX_CONTENT_LINES] + [f"# ... {plural(hidden, 'more line')}"]
    return lines


def _pruned(value: Any, budget: list[int]) -> Any:
    """``value`` with only its first ``budget[0]`` nodes, in document order (the budget left is
    negative when some were left out); its YAML starts with the lines of the whole value's."""
    budget[0] -= 1
    if isinstance(value, dict):
        kept: dict[Any, Any] = {}
        for key, item in value.items():
            if budget[0] < 0:
                break
            kept[key] = _pruned(item, budget)
        return kept
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            if budget[0] < 0:
                break
            items.append(_pruned(item, budget))
        return items
    return value


def _fence(lines: list[str]) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str) -> str:
    text = escape_unsafe(text, one_line=True)  # a newline would end the table row or the heading
    return f"`{text}`" if "`" not in text else f"`` {text} ``"


def _escape(text: str) -> str:
    """Markdown-inert text: HTML escaped, emphasis and code characters backslashed."""
    text = escape_unsafe(text, one_line=True)
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", html.escape(text, quote=False))
