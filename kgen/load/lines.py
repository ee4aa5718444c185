"""Lines as editors, ``grep -n`` and code scanning count them: only LF ends a line.

Python's ``str.splitlines`` also ends lines at a lone CR, form feed, FS/GS/RS, NEL,
U+2028 and U+2029, and YAML at a lone CR, NEL, U+2028 and U+2029: a position counted
either way lands lines too far after one of those characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_LONE_CR = re.compile(r"\r(?!\n)")


def editor_lines(text: str) -> list[str]:
    """``text`` cut at LF, the CR of a CRLF dropped: line N of the result is line N + 1 of the file."""
    lines = text.split("\n")
    if "\r" in text:
        lines = [line.removesuffix("\r") for line in lines]
    if lines and not lines[-1]:
        lines.pop()  # a final LF ends the last line; it does not start another
    return lines


class LineMap:
    """Character offsets in a text -> line and column as editors, ``grep -n`` and code scanning
    count them: only LF ends a line (CRLF is one break, a lone CR none).

    YAML also ends a line at a lone CR, NEL (U+0085), U+2028 and U+2029, so after one of
    those the lines of its marks run ahead of the file's; a text without them needs no map
    (``of`` gives None) and marks are used as they are.
    """

    __slots__ = ("_ends",)

    def __init__(self, text: str) -> None:
        self._ends = [match.start() for match in re.finditer("\n", text)]

    @classmethod
    def of(cls, text: str) -> LineMap | None:
        if "\x85" in text or "\u2028" in text or "\u2029" in text or ("\r" in text and _LONE_CR.search(text)):
            return cls(text)
        return None

    def at(self, index: int) -> tuple[int, int]:
        """1-based line and column of the character at ``index``."""
        before = bisect_left(self._ends, index)
        start = self._ends[before - 1] + 1 if before else 0
        return (before + 1, index - start + 1)
