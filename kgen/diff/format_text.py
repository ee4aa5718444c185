"""The text format: one block per object, one line per field, risk notes first.

::

    ~ apps/Deployment shop/web  (new/web.yaml:1)
      ! container web: memory limit lowered 512Mi → 256Mi; the container is OOM-killed when it uses more
      ↻ rolls the pods of Deployment web: 3 replicas; RollingUpdate maxUnavailable 25%, maxSurge 25%: ...
      spec.template.spec.containers[web].resources.limits.memory: 512Mi → 256Mi
      + spec.template.spec.containers[web].env[DEBUG]: {name: DEBUG, value: "1"}
      - metadata.labels.team: shop

ANSI colour only when asked (the CLI decides).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from kgen.diff.compare import MAX_CHANGES
from kgen.diff.result import ADDED, CHANGED, REDACTED, REMOVED, DiffResult, FieldChange, ObjectDiff
from kgen.diff.values import block, inline, is_long, summary, text_diff
from kgen.errors import Location
from kgen.safetext import escape_unsafe

ARROW = "→"
#: Marks a line saying what a change does to running pods.
ROLLS = "↻"
SIGNS = {ADDED: "+", REMOVED: "-", CHANGED: "~"}


@dataclass(frozen=True)
class Style:
    """ANSI sequences, or none."""

    added: str = ""
    removed: str = ""
    changed: str = ""
    risk: str = ""
    dim: str = ""
    reset: str = ""

    def paint(self, colour: str, text: str) -> str:
        return f"{colour}{text}{self.reset}" if colour else text


PLAIN = Style()
ANSI = Style(
    added="\x1b[32m", removed="\x1b[31m", changed="\x1b[33;1m", risk="\x1b[35;1m", dim="\x1b[2m", reset="\x1b[0m"
)


def format_text(result: DiffResult, color: bool = False) -> str:
    """The whole result as text; deterministic (same result, same bytes)."""
    style = ANSI if color else PLAIN
    lines: list[str] = []
    shared, objects = collapse(result)
    for change, count in shared:
        first, *rest = field_lines(change, style)
        lines.append(f"~ {first}  {style.paint(style.dim, f'(on {count} objects)')}")
        lines.extend("  " + line for line in rest)
    if shared:
        lines.append("")
    for obj in objects:
        lines.extend(object_lines(obj, style))
        lines.append("")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def collapse(result: DiffResult) -> tuple[list[tuple[FieldChange, int]], list[ObjectDiff]]:
    """A change of an object's own label (``metadata.labels``) that several changed objects share,
    once with their count, and the objects without it: one that changed only so is not listed."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    first: dict[tuple[str, str, str, str], FieldChange] = {}
    for obj in result.objects:
        if obj.change != CHANGED:
            continue
        for change in obj.changes:
            if len(change.path) == 3 and change.path[:2] == ("metadata", "labels"):
                key = _change_key(change)
                counts[key] += 1
                first.setdefault(key, change)
    keys = {key for key, count in counts.items() if count >= 2}
    if not keys:
        return [], list(result.objects)
    shared = [(first[key], counts[key]) for key in sorted(keys)]
    objects = []
    for obj in result.objects:
        if obj.change == CHANGED:
            obj = replace(obj, changes=tuple(c for c in obj.changes if _change_key(c) not in keys))
            if not (shown_changes(obj) or obj.risks or obj.rollout is not None or obj.rolls):
                continue
        objects.append(obj)
    return shared, objects


def _change_key(change: FieldChange) -> tuple[str, str, str, str]:
    return (change.path_text, change.op, repr(change.old), repr(change.new))


def object_lines(obj: ObjectDiff, style: Style = PLAIN, indent: str = "  ") -> list[str]:
    """Header, risk notes and field lines of one object."""
    sign = SIGNS[obj.change]
    colour = {ADDED: style.added, REMOVED: style.removed, CHANGED: style.changed}[obj.change]
    header = style.paint(colour, f"{sign} {escape_unsafe(obj.title, one_line=True)}")
    source = _source(obj)
    lines = [f"{header}  {style.paint(style.dim, f'({source})')}" if source else header]
    lines.extend(f"{indent}{style.paint(style.risk, '! ' + escape_unsafe(risk.reason, one_line=True))}" for risk in obj.risks)
    lines.extend(f"{indent}{ROLLS} {escape_unsafe(line, one_line=True)}" for line in rollout_lines(obj))
    for change in shown_changes(obj):
        lines.extend(indent + line for line in field_lines(change, style))
    more = more_line(obj)
    if more is not None:
        lines.append(indent + style.paint(style.dim, more))
    return lines


def more_line(obj: ObjectDiff) -> str | None:
    """``... and 3,120 more field changes (...)``: those past the limit per object, counted."""
    if not obj.more_changes:
        return None
    return (
        f"... and {obj.more_changes:,} more field {'change' if obj.more_changes == 1 else 'changes'} "
        f"(at most {MAX_CHANGES:,} are listed per object)"
    )


def rollout_lines(obj: ObjectDiff) -> list[str]:
    """What the change does to running pods: the workload's own rollout, or (for a renamed
    ConfigMap or Secret) the workloads that roll because they now point at the new name."""
    lines = [obj.rollout.text] if obj.rollout is not None else []
    return lines + [f"rolls the pods of {key.kind} {key.name}" for key in obj.rolls]


def shown_changes(obj: ObjectDiff) -> tuple[FieldChange, ...]:
    """The field changes the text formats print: those a rollout says it explains are left out."""
    hidden = set(obj.rollout.explains) if obj.rollout is not None else set()
    return tuple(change for change in obj.changes if change.path not in hidden) if hidden else obj.changes


def field_lines(change: FieldChange, style: Style = PLAIN) -> list[str]:
    """The line(s) of one field change, without indent."""
    path = change.path_text
    if change.op == ADDED:
        return _with_value(style.paint(style.added, "+ ") + path, change.new, style.added, style)
    if change.op == REMOVED:
        return _with_value(style.paint(style.removed, "- ") + path, change.old, style.removed, style)
    if change.redacted and change.old == REDACTED and change.new == REDACTED:
        return [f"{path}: secret value changed ({REDACTED})"]
    old, new = change.old, change.new
    if isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new):
        return [f"{path}:"] + [f"    {_diff_colour(line, style)}" for line in text_diff(old, new)]
    if is_long(old) or is_long(new):
        return (
            [f"{path}:"]
            + [f"    {style.paint(style.removed, '- ' + line)}" for line in block(old)]
            + [f"    {style.paint(style.added, '+ ' + line)}" for line in block(new)]
        )
    return [f"{path}: {style.paint(style.removed, inline(old))} {ARROW} {style.paint(style.added, inline(new))}"]


def _with_value(head: str, value: object, colour: str, style: Style) -> list[str]:
    if is_long(value):
        return [f"{head}:"] + [f"    {style.paint(colour, line)}" for line in block(value)]
    return [f"{head}: {style.paint(colour, inline(value))}"]


def _diff_colour(line: str, style: Style) -> str:
    if line.startswith("+"):
        return style.paint(style.added, line)
    if line.startswith("-"):
        return style.paint(style.removed, line)
    return style.paint(style.dim, line) if line.startswith("@@") else line


def _source(obj: ObjectDiff) -> str:
    where: Location | None = obj.old_source if obj.change == REMOVED else obj.new_source
    if where is None:
        return ""
    file = escape_unsafe(where.file, one_line=True)  # a file name may hold a newline, or "::" after one
    return f"{file}:{where.line}" if where.line > 0 else file
