"""Two canonical trees -> the field changes between them (deepdiff does the walking).

deepdiff is imported only when two trees differ: equal trees (the common
case) cost one ``==``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kgen.diff.normalize import NamedList, Quantity
from kgen.diff.paths import Item, Path, Segment, path_sort_key
from kgen.diff.result import ADDED, CHANGED, REMOVED
from kgen.errors import InternalError

#: deepdiff report type -> the change it means here.
_OPS = {
    "values_changed": CHANGED,
    "type_changes": CHANGED,
    "dictionary_item_added": ADDED,
    "iterable_item_added": ADDED,
    "dictionary_item_removed": REMOVED,
    "iterable_item_removed": REMOVED,
}


@dataclass(frozen=True)
class RawChange:
    """A change between canonical trees; values still canonical (Quantity, NamedList)."""

    path: Path
    op: str
    old: Any
    new: Any


def compare(old: Any, new: Any) -> list[RawChange]:
    """Every field that differs, sorted by path; empty when the trees are equal."""
    if old == new:
        return []
    from deepdiff import DeepDiff
    from deepdiff.helper import notpresent

    tree = DeepDiff(
        old,
        new,
        ignore_order=False,
        view="tree",
        verbose_level=2,
        threshold_to_diff_deeper=0,  # always descend: report leaves, not whole mappings
        custom_operators=[_QuantityOperator()],
    )
    changes: list[RawChange] = []
    for report_type, levels in tree.items():
        op = _OPS.get(report_type)
        if op is None:
            raise InternalError(f"unexpected deepdiff report {report_type!r}")
        for level in levels:
            raw_path = level.path(output_format="list")
            changes.append(
                RawChange(
                    _typed_path(raw_path, old, new),
                    op,
                    None if level.t1 is notpresent else level.t1,
                    None if level.t2 is notpresent else level.t2,
                )
            )
    changes.sort(key=lambda change: path_sort_key(change.path))
    return changes


class _QuantityOperator:
    """Quantities are leaves, equal when their values are (deepdiff custom operator)."""

    def match(self, level: Any) -> bool:
        return isinstance(level.t1, Quantity) and isinstance(level.t2, Quantity)

    def give_up_diffing(self, level: Any, diff_instance: Any) -> bool:
        if level.t1 != level.t2:
            diff_instance.custom_report_result("values_changed", level)
        return True


def _typed_path(raw: list[Any], old: Any, new: Any) -> Path:
    """deepdiff's key list -> segments, with named-list keys as ``Item``."""
    segments: list[Segment] = []
    for key in raw:
        node = old if old is not _MISSING else new
        if isinstance(node, NamedList):
            segments.append(Item(str(key)))
        elif isinstance(node, list) and isinstance(key, int):
            segments.append(key)
        else:
            segments.append(str(key))
        old, new = _child(old, key), _child(new, key)
    return tuple(segments)


class _Missing:
    pass


_MISSING: Any = _Missing()


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, dict):
        return node.get(key, _MISSING)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return _MISSING
