"""Field paths inside an object: their segments, how they read, and ``--ignore`` patterns.

A path is a tuple of segments: a mapping key (``str``), a list index
(``int``), or a member of a named list (``Item``). They read the way a
reviewer writes them::

    spec.template.spec.containers[web].resources.limits.memory
    metadata.annotations["prometheus.io/scrape"]
    spec.template.spec.containers[web].args[2]

Keys holding a dot, a bracket, a quote or white space are written
``["..."]`` (JSON string syntax), so every path reads back unambiguously.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from typing import Union

from kgen.errors import KgenError


@dataclass(frozen=True, order=True)
class Item:
    """A member of a named list, by its name or merge key: ``containers[web]``."""

    label: str


Segment = Union[str, int, Item]
Path = tuple[Segment, ...]

#: A pattern segment that matches any key, item or index.
ANY = "*"
#: A pattern segment that matches any number of segments (none included): ``**.labels.chart``.
DEEP = "**"
#: The last segment of ``key==value``: the pattern names the field only while it holds that value
#: (``**.dnsPolicy==ClusterFirst``, a default written out); never a field name of its own.
WHEN = "\0=="


def condition(pattern: PatternPath) -> tuple[PatternPath, str | None]:
    """A pattern without its ``==value`` condition, and the value (None: unconditional)."""
    if pattern and pattern[-1].startswith(WHEN):
        return pattern[:-1], pattern[-1][len(WHEN) :]
    return pattern, None

PatternPath = tuple[str, ...]

_PLAIN_KEY = re.compile(r'^[^.\[\]"\s]+$')
_PLAIN_LABEL = re.compile(r'^(?!\d+$)[^\[\]"\s]+$')


def format_path(path: Path) -> str:
    """Segments -> ``spec.template.spec.containers[web].image``."""
    out: list[str] = []
    for segment in path:
        if isinstance(segment, Item):
            label = segment.label
            out.append(f"[{label}]" if _PLAIN_LABEL.match(label) else f"[{_quote(label)}]")
        elif isinstance(segment, int):
            out.append(f"[{segment}]")
        elif _PLAIN_KEY.match(segment):
            out.append(f".{segment}" if out else segment)
        else:
            out.append(f"[{_quote(segment)}]")
    return "".join(out)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def path_sort_key(path: Path) -> tuple[tuple[int, str, int], ...]:
    """Orders paths field by field: keys and names alphabetically, indexes by number."""
    return tuple(
        (0, "", segment) if isinstance(segment, int)
        else (1, segment.label if isinstance(segment, Item) else segment, 0)
        for segment in path
    )


def parse_pattern(text: str) -> PatternPath:
    """``spec.template.spec.containers[*].image`` -> ``("spec", ..., "*", "image")``.

    Accepts the syntax ``format_path`` writes; ``*`` (alone or in brackets)
    matches any key, list item or index. Raises KgenError on malformed text.
    """
    segments: list[str] = []
    position = 0
    expect_segment = True
    while position < len(text):
        char = text[position]
        if char == "[":
            segment, position = _bracket(text, position)
            segments.append(segment)
            expect_segment = False
        elif char == ".":
            if expect_segment:
                raise _bad_pattern(text, "an empty field name")
            expect_segment = True
            position += 1
        else:
            if not expect_segment:
                raise _bad_pattern(text, f"a '.' or '[' expected at character {position + 1}")
            match = re.compile(r"[^.\[]+").match(text, position)
            assert match is not None  # char is neither '.' nor '['
            segments.append(match.group())
            position = match.end()
            expect_segment = False
    if not segments or expect_segment:
        raise _bad_pattern(text, "it ends where a field name is expected")
    if segments[-1] == DEEP:
        raise _bad_pattern(text, "** must be followed by a field name")
    last = segments[-1]
    if "==" in last and not text.endswith("]"):  # key==value: the field only while it holds that value
        key, _, value = last.partition("==")
        if not key:
            raise _bad_pattern(text, "a field name is expected before ==")
        segments[-1:] = [key, WHEN + value]
    return tuple(segments)


def _bracket(text: str, start: int) -> tuple[str, int]:
    if text.startswith('"', start + 1):
        try:
            value, end = json.JSONDecoder().raw_decode(text, start + 1)
        except json.JSONDecodeError:
            raise _bad_pattern(text, f'an unterminated "..." at character {start + 2}') from None
        if not text.startswith("]", end):
            raise _bad_pattern(text, f"a ']' expected at character {end + 1}")
        return str(value), end + 1
    end = text.find("]", start)
    if end < 0:
        raise _bad_pattern(text, f"the '[' at character {start + 1} is not closed")
    if end == start + 1:
        raise _bad_pattern(text, "an empty []")
    return text[start + 1 : end], end + 1


def _bad_pattern(text: str, problem: str) -> KgenError:
    return KgenError(
        f"--ignore {text!r} is not a field path like metadata.annotations or "
        f"spec.template.spec.containers[web].image: {problem}"
    )


def segment_matches(pattern: str, segment: Segment) -> bool:
    """Whether one pattern segment matches one path segment; ``*`` inside a segment is a glob
    (``meta.helm.sh/*`` matches every key with that prefix)."""
    if pattern == ANY:
        return True
    text = segment.label if isinstance(segment, Item) else str(segment)
    if "*" in pattern:
        return fnmatch.fnmatchcase(text, pattern)
    return text == pattern


def covers(pattern: PatternPath, path: Path) -> bool:
    """Whether ``path`` is the field ``pattern`` names or lies below it (``**`` spans any number of
    segments, none included)."""
    if pattern and pattern[-1].startswith(WHEN):
        return False  # a field ignored only while it holds a value: what changed it is not ignored
    if DEEP not in pattern:
        return len(pattern) <= len(path) and all(segment_matches(p, s) for p, s in zip(pattern, path))
    if not pattern:
        return True
    head, rest = pattern[0], pattern[1:]
    if head == DEEP:
        return any(covers(rest, path[start:]) for start in range(len(path) + 1))
    return bool(path) and segment_matches(head, path[0]) and covers(rest, path[1:])
