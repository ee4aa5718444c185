"""Indented JSON, byte for byte what ``json.dumps(value, indent=2)`` writes, faster.

``json.dumps`` with an indent runs the standard library's pure-Python encoder (only
compact output goes through its C encoder), which made writing a report of a few
thousand findings a sizeable part of a whole check. Reports hold plain data (mappings
with string keys, lists, strings, numbers, booleans, None): a mapping or list whose
items are all scalars is written in one piece (each scalar through the C encoder),
only nested collections recurse. A generator is written as a list, its items made one at
a time (a report's findings: never all of them as mappings at once).
"""

from __future__ import annotations

import itertools
import json
from types import GeneratorType
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any, Callable

_CONSTANTS = {None: "null", True: "true", False: "false"}
_NONE = object()  # no first item


def dumps(value: Any, indent: int = 2, ensure_ascii: bool = True) -> str:
    """``json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)`` for plain data."""
    out: list[str] = []
    string = encode_basestring_ascii if ensure_ascii else encode_basestring
    _write(value, out, "\n", " " * indent, string)
    return "".join(out)


def _scalar(value: Any, string: Callable[[str], str]) -> str | None:
    """The JSON of a scalar; None for a collection."""
    kind = type(value)
    if kind is str:
        return string(value)
    if kind is int:
        return int.__repr__(value)
    if value is None or kind is bool:
        return _CONSTANTS[value]
    if kind is float:
        return json.dumps(value)  # repr, or NaN / Infinity as json writes them
    if isinstance(value, (dict, list, tuple, GeneratorType)):
        return None
    if isinstance(value, str):
        return string(value)
    if isinstance(value, int):
        return int.__repr__(value)
    raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")


def _write(value: Any, out: list[str], newline: str, step: str, string: Callable[[str], str]) -> None:
    text = _scalar(value, string)
    if text is not None:
        out.append(text)
        return
    inner = newline + step
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        separator = inner
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"keys must be str, not {type(key).__name__}")
            text = _scalar(item, string)
            if text is None:
                out.append(f"{separator}{string(key)}: ")
                _write(item, out, inner, step, string)
            else:
                out.append(f"{separator}{string(key)}: {text}")
            separator = "," + inner
        out.append(newline + "}")
        return
    items = iter(value)
    first = next(items, _NONE)
    if first is _NONE:
        out.append("[]")
        return
    out.append("[")
    separator = inner
    for item in itertools.chain((first,), items):
        text = _scalar(item, string)
        if text is None:
            out.append(separator)
            _write(item, out, inner, step, string)
        else:
            out.append(separator + text)
        separator = "," + inner
    out.append(newline + "]")
