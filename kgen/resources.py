"""Package data: schemas and policies ship inside the installed package.

In a wheel they live at ``kgen/schemas`` and ``kgen/policies`` (mapped from the
top-level folders by pyproject.toml); in a source checkout or an editable
install they are read from the top-level folders directly.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder of shipped data called ``name`` (``schemas`` or ``policies``)."""
    installed = _PACKAGE / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


@lru_cache(maxsize=None)
def load_schema(name: str) -> Any:
    """A JSON Schema from ``schemas/`` by file name, parsed once."""
    with open(data_dir("schemas") / name, encoding="utf-8") as handle:
        return json.load(handle)
