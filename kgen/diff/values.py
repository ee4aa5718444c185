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


def text_diff(old: str, new: str) -> list[str]:
    """A line diff of two multi-line strings (``@@`` hunks, two lines of context)."""
    return list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2))[2:]


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
