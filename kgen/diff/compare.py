"""Two canonical trees -> the field changes between them, in linear time and bounded memory.

Mappings (named lists too) are compared key by key; lists index by index,
except that a list of scalars is first aligned (``difflib``) so that one
item inserted or removed is one change, not a shift of every item after it.
Aligning costs up to quadratic time, so it is done only on the part between
the lists' common ends and only while that part has at most ``MAX_ALIGNED``
items a side; a longer list is compared index by index.

At most ``limit`` changes are kept per object, in path order: the rest are
counted (``Changes.more``), and their fields, cut to ``_SUMMARY_DEPTH``
segments, are kept too (``Changes.hidden``) so that risk notes still see
every part of the object that changed. Equal trees (the common case) cost
one ``==``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable

from kgen.diff.normalize import NamedList, Quantity
from kgen.diff.paths import Item, Path, Segment, path_sort_key
from kgen.diff.result import ADDED, CHANGED, REMOVED

#: Field changes kept per object; past it they are counted ("… and N more changes").
MAX_CHANGES = 1_000
#: Items a side, between the common ends of two lists of scalars, up to which they are aligned.
MAX_ALIGNED = 2_000
#: Segments kept of a change past the limit, for the risk notes (``spec.template.spec.containers[web]``).
_SUMMARY_DEPTH = 5

_SCALARS = (str, int, float, bool, type(None))
_OP_ORDER = {REMOVED: 0, CHANGED: 1, ADDED: 2}


@dataclass(frozen=True)
class RawChange:
    """A change between canonical trees; values still canonical (Quantity, NamedList)."""

    path: Path
    op: str
    old: Any
    new: Any


@dataclass
class Changes:
    """What ``compare`` found: the changes kept, how many more there are, and where those are."""

    kept: list[RawChange] = field(default_factory=list)
    more: int = 0
    #: The fields of the changes past the limit, cut to a few segments (each once, at most ``limit``).
    hidden: dict[Path, None] = field(default_factory=dict)


class _Collector:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.found = Changes()

    def add(self, path: Path, op: str, old: Any, new: Any) -> None:
        found = self.found
        if len(found.kept) < self.limit:
            found.kept.append(RawChange(path, op, old, new))
            return
        found.more += 1
        if len(found.hidden) < self.limit:
            found.hidden[path[:_SUMMARY_DEPTH]] = None


def compare(old: Any, new: Any, limit: int = MAX_CHANGES) -> Changes:
    """Every field that differs, in path order; empty when the trees are equal."""
    collector = _Collector(limit)
    if old != new:
        _node((), old, new, collector)
    return collector.found


def _same(old: Any, new: Any) -> bool:
    """Equal, and of one type (``1`` and ``1.0``, ``1`` and ``true`` differ as written values)."""
    if isinstance(old, Quantity) and isinstance(new, Quantity):
        return old == new
    return type(old) is type(new) and old == new


def _node(path: Path, old: Any, new: Any, out: _Collector) -> None:
    if isinstance(old, dict) and type(old) is type(new):  # a named list and a mapping differ as wholes
        _mapping(path, old, new, out)
    elif isinstance(old, list) and isinstance(new, list):
        _list(path, old, new, out)
    elif not _same(old, new):
        out.add(path, CHANGED, old, new)


def _mapping(path: Path, old: dict[str, Any], new: dict[str, Any], out: _Collector) -> None:
    named = isinstance(old, NamedList)
    for key in sorted(old.keys() | new.keys()):
        segment: Segment = Item(key) if named else key
        if key not in new:
            out.add((*path, segment), REMOVED, old[key], None)
        elif key not in old:
            out.add((*path, segment), ADDED, None, new[key])
        else:
            before, after = old[key], new[key]
            if before is not after:
                _node((*path, segment), before, after, out)


def _list(path: Path, old: list[Any], new: list[Any], out: _Collector) -> None:
    if _scalars(old) and _scalars(new):
        aligned = _aligned(path, old, new)
        if aligned is not None:
            for change in aligned:
                out.add(change.path, change.op, change.old, change.new)
            return
    _by_index(path, old, new, 0, 0, len(old), len(new), out)


def _by_index(
    path: Path, old: list[Any], new: list[Any], old_from: int, new_from: int, old_to: int, new_to: int, out: _Collector
) -> None:
    """Items paired in order, the longer side's rest added or removed (a pair and a removed item are
    named by their old index, an added one by its new index)."""
    common = min(old_to - old_from, new_to - new_from)
    for offset in range(common):
        before, after = old[old_from + offset], new[new_from + offset]
        if before is not after:
            _node((*path, old_from + offset), before, after, out)
    for index in range(old_from + common, old_to):
        out.add((*path, index), REMOVED, old[index], None)
    for offset in range(common, new_to - new_from):
        out.add((*path, new_from + offset), ADDED, None, new[new_from + offset])


def _scalars(items: Iterable[Any]) -> bool:
    return all(isinstance(item, _SCALARS) for item in items)


def _aligned(path: Path, old: list[Any], new: list[Any]) -> list[RawChange] | None:
    """Two lists of scalars aligned as a line diff aligns lines, when that reads as fewer changes
    than pairing them by index; None when it does not, or when the lists are too long to align."""
    start = end = 0
    if len(old) > MAX_ALIGNED or len(new) > MAX_ALIGNED:  # shorter lists are aligned whole
        limit = min(len(old), len(new))
        while start < limit and _same(old[start], new[start]):
            start += 1
        while end < limit - start and _same(old[-1 - end], new[-1 - end]):
            end += 1
    old_middle, new_middle = old[start : len(old) - end], new[start : len(new) - end]
    if len(old_middle) > MAX_ALIGNED or len(new_middle) > MAX_ALIGNED:
        return None
    collector = _Collector(len(old) + len(new) + 1)
    matcher = difflib.SequenceMatcher(None, [_typed(v) for v in old_middle], [_typed(v) for v in new_middle], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            _by_index(path, old, new, start + i1, start + j1, start + i2, start + j2, collector)
        elif tag == "delete":
            for index in range(start + i1, start + i2):
                collector.add((*path, index), REMOVED, old[index], None)
        elif tag == "insert":
            for index in range(start + j1, start + j2):
                collector.add((*path, index), ADDED, None, new[index])
    aligned = collector.found.kept
    if len(aligned) > 1:
        pairwise = _Collector(len(aligned))
        _by_index(path, old, new, 0, 0, len(old), len(new), pairwise)
        if len(pairwise.found.kept) <= len(aligned) and not pairwise.found.more:
            return None
    aligned.sort(key=lambda change: (path_sort_key(change.path), _OP_ORDER[change.op]))
    return _merged(aligned)


def _merged(changes: list[RawChange]) -> list[RawChange]:
    """An item removed and another added at the same index read as one changed item."""
    merged: list[RawChange] = []
    for change in changes:
        last = merged[-1] if merged else None
        if last is not None and last.path == change.path and {last.op, change.op} == {ADDED, REMOVED}:
            removed, added = (last, change) if last.op == REMOVED else (change, last)
            merged[-1] = RawChange(change.path, CHANGED, removed.old, added.new)
        else:
            merged.append(change)
    return merged


def _typed(value: Any) -> tuple[type, Any]:
    """A scalar with its type, so that alignment tells ``1`` from ``1.0`` and ``true``."""
    return (type(value), value)
