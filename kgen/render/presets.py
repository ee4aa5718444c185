"""Resource presets per app type and size (package data: presets.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kgen.errors import InternalError
from kgen.model.quantity import QuantityError, parse_quantity

TYPES = ("web", "batch", "database")
SIZES = ("small", "medium", "large")
RESOURCES = ("cpu", "memory")
_PRESETS_FILE = Path(__file__).resolve().parent / "presets.yaml"


@dataclass(frozen=True)
class Preset:
    """Requests and limits of one type and size, as quantity strings."""

    type: str
    size: str
    cpu_request: str
    memory_request: str
    cpu_limit: str
    memory_limit: str

    def request(self, resource: str) -> str:
        return self.cpu_request if resource == "cpu" else self.memory_request

    def limit(self, resource: str) -> str:
        return self.cpu_limit if resource == "cpu" else self.memory_limit

    def ratio(self, resource: str) -> Fraction:
        """limit / request: how a limit follows a request the profile sets alone."""
        return parse_quantity(self.limit(resource)) / parse_quantity(self.request(resource))


@lru_cache(maxsize=1)
def presets() -> dict[tuple[str, str], Preset]:
    """Every preset by (type, size), read once from presets.yaml."""
    with open(_PRESETS_FILE, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    table: dict[tuple[str, str], Preset] = {}
    for app_type in TYPES:
        for size in SIZES:
            table[(app_type, size)] = _preset(data, app_type, size)
    return table


def _preset(data: Any, app_type: str, size: str) -> Preset:
    try:
        cell = data[app_type][size]
        values = {
            f"{resource}_{kind}": str(cell[f"{kind}s"][resource])
            for kind in ("request", "limit")
            for resource in RESOURCES
        }
        for value in values.values():
            if parse_quantity(value) <= 0:
                raise QuantityError(value)
    except (KeyError, TypeError, QuantityError) as exc:
        raise InternalError(f"presets.yaml: {app_type}/{size} is broken ({exc!r})") from None
    return Preset(type=app_type, size=size, **values)


def preset(app_type: str, size: str) -> Preset:
    return presets()[(app_type, size)]


_COLUMNS = ("type", "size", "cpu request", "cpu limit", "memory request", "memory limit")


def _rows() -> list[tuple[str, ...]]:
    return [
        (p.type, p.size, p.cpu_request, p.cpu_limit, p.memory_request, p.memory_limit)
        for p in presets().values()
    ]


def _text_table() -> str:
    rows = [tuple(c.upper() for c in _COLUMNS), *_rows()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines) + "\n"


def _markdown_table() -> str:
    lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in _rows()]
    return "\n".join(lines) + "\n"


TABLE_FORMATS = {"text": _text_table, "markdown": _markdown_table}


def preset_table(fmt: str = "text") -> str:
    """The preset table as aligned text or a Markdown table."""
    return TABLE_FORMATS[fmt]()
