"""Pausing Python's cyclic garbage collector while manifests are held in memory.

Loaded manifests are trees of plain dicts, lists and scalars with no reference
cycles (recursive aliases are refused by the loader), so the cyclic collector
finds nothing to free - but it would rescan every object held, again and
again, as more are loaded. Reference counting still frees everything.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
