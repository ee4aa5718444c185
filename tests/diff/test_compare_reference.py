"""kgen's field walk (``kgen.diff.compare``) against deepdiff, the reference it replaced: deepdiff's
bookkeeping grew without bound on large lists (two 400 KB ConfigMaps with 200,000 differing items
took 1.4 GB), so diff walks the trees itself in linear time. On trees deepdiff handles, both must
report the same changed fields, in the same places, with the same old and new values."""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import notpresent
from hypothesis import given, settings
from hypothesis import strategies as st

from kgen.diff.compare import compare
from kgen.diff.result import ADDED, CHANGED, REMOVED

_OPS = {
    "values_changed": CHANGED,
    "type_changes": CHANGED,
    "dictionary_item_added": ADDED,
    "iterable_item_added": ADDED,
    "dictionary_item_removed": REMOVED,
    "iterable_item_removed": REMOVED,
}

# Scalars as manifests hold them, bools left out: deepdiff (like Python) holds `true` equal to 1,
# where a manifest's `true` and `1` are different values, and kgen reports the change.
scalars = st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["a", "b", "c", ""]))
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.sampled_from(["k", "l", "m", "n"]), inner, max_size=4),
    ),
    max_leaves=20,
)


def reference(old: Any, new: Any) -> set[tuple[tuple[Any, ...], str, Any, Any]]:
    if old == new:
        return set()
    tree = DeepDiff(old, new, ignore_order=False, view="tree", verbose_level=2, threshold_to_diff_deeper=0)
    found = set()
    for report, levels in tree.items():
        for level in levels:
            old_value = None if level.t1 is notpresent else level.t1
            new_value = None if level.t2 is notpresent else level.t2
            found.add((tuple(level.path(output_format="list")), _OPS[report], _frozen(old_value), _frozen(new_value)))
    return found


def walked(old: Any, new: Any) -> set[tuple[tuple[Any, ...], str, Any, Any]]:
    changes = compare(old, new)
    assert not changes.more
    return {(tuple(c.path), c.op, _frozen(c.old), _frozen(c.new)) for c in changes.kept}


def _frozen(value: Any) -> Any:
    return repr(value)


@settings(max_examples=400, deadline=None)
@given(old=trees, new=trees)
def test_the_walk_reports_what_deepdiff_reports(old: Any, new: Any) -> None:
    assert walked(old, new) == reference(old, new)


@settings(max_examples=200, deadline=None)
@given(base=st.dictionaries(st.sampled_from(["k", "l", "m"]), trees, max_size=3), edit=trees)
def test_one_field_edited_in_a_larger_tree(base: dict[str, Any], edit: Any) -> None:
    changed = {**base, "edited": edit}
    assert walked(base, changed) == reference(base, changed)


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", 1, 2, None]), min_size=2, max_size=9),
    at=st.integers(0, 9),
    item=st.sampled_from(["x", "y", 7]),
    remove=st.booleans(),
)
def test_one_item_inserted_or_removed_is_one_change(items: list[Any], at: int, item: Any, remove: bool) -> None:
    """What aligning lists of scalars is for: ``args`` with one flag added reads as that flag added."""
    edited = list(items)
    if remove:
        del edited[at % len(items)]
    else:
        edited.insert(at % (len(items) + 1), item)
    old, new = {"args": items}, {"args": edited}
    assert walked(old, new) == reference(old, new)
