"""Checking files in worker processes (``--jobs N``).

Each worker builds its own FileChecker from the picklable Setup once, then
checks whole files; results come back in the order of the sources, so the
output is identical to a single-process run.
"""

from __future__ import annotations

import gc
from typing import Any, Iterable, Iterator

from kgen.check.engine import FileChecker, FileResult, Setup
from kgen.load.discover import Source

#: Below this many files, starting workers costs more than it saves: measured on 2 cores, 20 and 80
#: files of the corpus took longer with 2 workers than in one process (a pre-commit run passes a few).
MIN_FILES = 64

_checker: FileChecker | None = None


def _start(setup: Setup) -> None:
    global _checker
    gc.disable()  # as in the main process: no cycles to collect, only rescans to avoid
    if _checker is None:  # spawned, not forked: build our own
        _checker = FileChecker(setup)
    _checker.portable = True  # this process's copy: its results are sent to the main process


def _check(source: Source) -> FileResult | Source:
    """A file's result; a Dockerfile comes back unchecked, for the main process to check: the
    Dockerfile parser runs Go, whose runtime cannot run in a process forked after it started."""
    assert _checker is not None
    if source.dockerfile:
        return source
    return _checker.check(source)


#: Files handed to a worker at a time: large enough that the main process's
#: hand-over work stays small (measured: 4 costs 10 % more wall time on a
#: 10,000-document tree), small enough to keep the workers evenly loaded.
CHUNK = 16


def check_in_pool(
    setup: Setup, sources: Iterable[Source], jobs: int, context: Any, checker: FileChecker | None = None
) -> Iterator[FileResult]:
    """Results in source order; ``sources`` is consumed lazily, never held whole.

    Forked workers inherit ``checker`` (policies loaded, schemas compiled)
    instead of building their own.
    """
    global _checker
    _checker = checker if context.get_start_method() == "fork" else None
    try:
        main = checker if checker is not None else FileChecker(setup)
        with context.Pool(jobs, initializer=_start, initargs=(setup,)) as pool:
            for done in pool.imap(_check, sources, chunksize=CHUNK):
                yield main.check(done) if isinstance(done, Source) else done
    finally:
        _checker = None
