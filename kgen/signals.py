"""Holding SIGINT and SIGTERM back around work that must not be cut in half.

A leaf module (it imports nothing of kgen): the render writer holds them during its renames,
the worker pool while it starts and stops its workers.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back, where the platform can; they are delivered on leaving."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
