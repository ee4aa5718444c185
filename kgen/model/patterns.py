"""Regular expressions that come with the input, matched in linear time.

A policy's ``pattern`` and ``patternProperties``, a parameter of ``format: regex``,
a CustomResourceDefinition's ``pattern``: all are repository data, so a pattern
like ``^(a+)+$``, which Python's backtracking ``re`` takes exponential time over,
must not stall a run. They are compiled with RE2 (google-re2), whose matching
time is linear in the text whatever the pattern. RE2 is also the engine the API
server validates a CRD's ``pattern`` with (Go's regexp), and, like ECMA-262
(JSON Schema's dialect), its ``\\d`` is ASCII and its ``$`` is the end of the text.
RE2 refuses what it cannot match in linear time: backreferences and lookaround.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

#: Memory RE2 may give one compiled pattern (bytes): bounds ``(a{1000}){1000}``-style programs.
MAX_PROGRAM_BYTES = 8 << 20

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the reason is raised, not written to stderr
_OPTIONS.max_mem = MAX_PROGRAM_BYTES


class PatternError(ValueError):
    """A pattern RE2 cannot compile (its message says why, in RE2's words)."""


Search = Callable[[str], bool]


@lru_cache(maxsize=4096)
def compile_search(pattern: str) -> Search:
    """``search(text)``: whether ``pattern`` matches somewhere in ``text`` (JSON Schema's
    ``pattern``: anchored only where the pattern says), in time linear in ``text``."""
    try:
        regex = re2.compile(pattern, options=_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(
            f"{_shown(pattern)} is not a pattern kgen can match in linear time ({reason}; RE2 syntax, "
            "as the API server's: no backreferences or lookaround)"
        ) from None
    except (TypeError, ValueError) as exc:  # a NUL byte, a lone surrogate
        raise PatternError(f"{_shown(pattern)} is not a pattern: {exc}") from None
    search = regex.search

    def matches(text: str) -> bool:
        try:
            return search(text) is not None
        except UnicodeEncodeError:  # a lone surrogate (a JSON-style escape in YAML): matched as "?"
            return search(text.encode("utf-8", "replace").decode("utf-8")) is not None

    return matches


@lru_cache(maxsize=1024)
def trusted_search(pattern: str) -> Search:
    """Python's ``re`` search, for kgen's own shipped schemas only (their patterns use lookahead,
    which RE2 lacks, and are written not to backtrack): never for a pattern from the input."""
    search = re.compile(pattern).search
    return lambda text: search(text) is not None


def is_pattern(pattern: object) -> bool:
    """Whether ``pattern`` is a string RE2 compiles (the ``regex`` format, as kgen matches it)."""
    if not isinstance(pattern, str):
        return True  # a format applies to strings only
    try:
        compile_search(pattern)
    except PatternError:
        return False
    return True


def _shown(pattern: str) -> str:
    return repr(pattern if len(pattern) <= 60 else pattern[:50] + "...")
