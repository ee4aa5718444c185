"""Field values as the text and markdown formats print them."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

import yaml

from kgen.diff.result import DiffResult, ADDED, CHANGED, REMOVED

#: Longest value printed on the field's own line; longer ones go below it as YAML.
INLINE_WIDTH = 80

_PLAIN = re.compile(r"^[A-Za-z0-9_./@+=~^$%(<][^\n\r\t,{}\[\]#\"'`]*$")
#: Plain text that YAML 1.1 reads as something other than a string (or may:
#: erring towards quotes costs nothing): null, booleans, numbers, timestamps.
_NOT_A_STRING = re.compile(
    r"""^(?:~|null|y|n|yes|no|true|false|on|off
    |[-+]?(?:0b[01_]+|0x[0-9a-f_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*)
    |[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:e[-+]?[0-9]+)?|[-+]?[0-9][0-9_]*e[-+]?[0-9]+
    |[-+]?\.inf|\.nan|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$""",
    re.IGNORECASE | re.VERBOSE,
)


def scalar(value: Any) -> str:
    """One scalar as YAML would read it back: strings quoted only when needed (``"2"``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if _plain(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _plain(text: str) -> bool:
    return (
        bool(_PLAIN.match(text))
        and text == text.strip()
        and not text.endswith(":")
        and ": " not in text
        and not _NOT_A_STRING.match(text)
    )


def inline(value: Any) -> str:
    """A value on one line: ``256Mi``, ``[a, b]``, ``{name: DEBUG, value: "1"}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    return scalar(value)


def is_long(value: Any) -> bool:
    """Whether a value is printed as a YAML block rather than inline."""
    if isinstance(value, str):
        return "\n" in value or len(scalar(value)) > INLINE_WIDTH
    if isinstance(value, (dict, list)):
        return len(inline(value)) > INLINE_WIDTH
    return False


def block(value: Any) -> list[str]:
    """A value as YAML lines (key order kept)."""
    text = yaml.safe_dump(value, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100)
    lines = str(text).splitlines()
    if lines and lines[-1] == "...":
        lines.pop()  # a scalar document's end marker
    return lines


#: Lines a side, between the texts' common first and last lines, up to which two texts are diffed
#: line by line (the line diff takes up to quadratic time); past it the part is counted.
MAX_DIFF_LINES = 2_000


def text_diff(old: str, new: str) -> list[str]:
    """A line diff of two multi-line strings (``@@`` hunks, two lines of context); when the part
    that differs is longer than ``MAX_DIFF_LINES`` a side, one line that counts it."""
    old_lines, new_lines = _lines(old), _lines(new)
    if len(old_lines) <= MAX_DIFF_LINES and len(new_lines) <= MAX_DIFF_LINES:
        return list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=2))[2:]
    start, limit = 0, min(len(old_lines), len(new_lines))
    while start < limit and old_lines[start] == new_lines[start]:
        start += 1
    end = 0
    while end < limit - start and old_lines[-1 - end] == new_lines[-1 - end]:
        end += 1
    removed, added = len(old_lines) - start - end, len(new_lines) - start - end
    if removed <= MAX_DIFF_LINES and added <= MAX_DIFF_LINES:
        first, last = max(0, start - 2), max(0, end - 2)  # with the two lines of context each side
        middle = difflib.unified_diff(
            old_lines[first : len(old_lines) - last], new_lines[first : len(new_lines) - last], lineterm="", n=2
        )
        return [_shifted(line, first) for line in list(middle)[2:]]
    return [
        f"@@ -{start + 1},{removed} +{start + 1},{added} @@ {removed:,} lines replaced by {added:,} "
        f"(more than {MAX_DIFF_LINES:,} differ: too long to diff line by line)"
    ]


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _shifted(line: str, offset: int) -> str:
    """A hunk header of a diff of lines from ``offset`` on, renumbered as lines of the whole text."""
    match = _HUNK.match(line)
    if match is None:
        return line
    old_start, old_rest, new_start, new_rest, tail = match.groups()
    return f"@@ -{int(old_start) + offset}{old_rest or ''} +{int(new_start) + offset}{new_rest or ''} @@{tail}"


_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@(.*)$")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary(result: DiffResult) -> str:
    """``1 changed, 1 added, 0 removed, 3 unchanged; 2 risk notes``, or that nothing changed."""
    ignored = result.ignored_old + result.ignored_new
    tail = f"; {plural(ignored, 'document')} without apiVersion/kind ignored" if ignored else ""
    if not result.changed:
        return f"No changes ({plural(result.unchanged, 'object')} compared){tail}."
    counts = ", ".join(f"{result.count(change)} {change}" for change in (CHANGED, ADDED, REMOVED))
    return f"{counts}, {result.unchanged} unchanged; {plural(result.risk_count, 'risk note')}{tail}."
