"""Large documents read again (kgen.load.yamlload.Reuse): the same documents as reading the text
whole, at their own places, and errors exactly the whole stream's."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kgen.errors import LoadError
from kgen.load.yamlload import Document, Limits, Reuse, load_text


class SmallReuse(Reuse):
    """Thresholds a test can reach with a few lines."""

    MIN_BYTES = 120
    RUN_BYTES = 200


def big(name: str, extra: str = "") -> str:
    """A document of some 300 bytes (large for SmallReuse), with a list, numbers and a quoted key."""
    rows = "".join(f"      - {{port: {8000 + i}, ratio: {i}.5, on: yes}}\n" for i in range(5))
    return (
        "apiVersion: apiextensions.k8s.io/v1\n"
        "kind: CustomResourceDefinition\n"
        f"metadata:\n  name: {name}\n"
        "spec:\n"
        "  group: example.com\n"
        "  names:\n    kind: Widget\n    plural: widgets\n"
        "  items:\n"
        f"{rows}"
        "  'y': 010\n"
        f"{extra}"
    )


SMALL = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\ndata: {a: '1'}\n"


def paths(data: Any, base: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [base]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, base + (key,))
        found.append(base + ("absent",))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, base + (index,))
    return found


def typed(value: Any) -> Any:
    """``value`` with every part's type beside it, mappings in order (1, 1.0 and True differ)."""
    if isinstance(value, dict):
        return ("dict", tuple((key, typed(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("list", tuple(typed(item) for item in value))
    return (type(value).__name__, value)


def shape(items: list[Document | LoadError]) -> list[Any]:
    """Everything a reader of the documents can see: data type for type, places of every field, errors."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, LoadError):
            out.append(("error", item.message, item.location))
            continue
        where = [
            (path, item.position(path), item.value_position(path), item.source_text(path), item.renamed_keys(path))
            for path in paths(item.data)
        ]
        out.append(("document", item.index, typed(item.data), item.start, item.span, item.line_span, where))
    return out


def whole(text: str) -> list[Any]:
    return shape(list(load_text(text, "m.yaml", keep_nulls=False)))


def reused(text: str, reuse: Reuse) -> list[Document | LoadError]:
    return list(load_text(text, "m.yaml", keep_nulls=False, reuse=reuse))


def test_a_document_read_again_is_the_same_document_at_its_own_place() -> None:
    reuse = SmallReuse()
    first_text = f"{SMALL}---\n{big('widgets.example.com')}---\n{SMALL}"
    second_text = f"# another file\n\n---\n{SMALL}---\n{SMALL}---\n{big('widgets.example.com')}"
    first = reused(first_text, reuse)
    second = reused(second_text, reuse)
    assert shape(first) == whole(first_text)
    assert shape(second) == whole(second_text)
    crd_first, crd_second = first[1], second[2]
    assert isinstance(crd_first, Document) and isinstance(crd_second, Document)
    assert crd_first.same_as is not None and crd_second.same_as is crd_first.same_as  # read once
    assert crd_second.data == crd_first.data and crd_second.data is not crd_first.data  # a copy
    # the first file has the CRD from line 6 on, the second from line 14 on (its 16 lines end at the text's end)
    assert crd_first.position(("spec", "names", "kind")) == (13, 5)
    assert crd_second.position(("spec", "names", "kind")) == (21, 5)
    assert crd_second.position(()) == (14, 1) and crd_second.span == (14, 30)
    assert crd_second.data["spec"]["y"] == 8 and crd_second.data["spec"]["items"][0]["true"] is True  # `on:`


def test_a_document_read_again_composes_its_nodes_only_when_asked() -> None:
    reuse = SmallReuse()
    text = big("widgets.example.com")
    reused(text, reuse)
    (again,) = reused("---\n" + text, reuse)  # the marker line does not change the document
    assert isinstance(again, Document) and again.same_as is not None
    assert again.start == (2, 1) and again.line_span == (1, 17)
    assert again.__dict__["_root"] is None  # nothing composed for the object's own place
    assert again.position(("spec", "group")) == (7, 3)
    assert again.__dict__["_root"] is not None


def test_the_copy_is_the_readers_own() -> None:
    reuse = SmallReuse()
    text = big("widgets.example.com")
    (one,) = reused(text, reuse)
    assert isinstance(one, Document)
    one.data["spec"]["names"]["kind"] = "Changed"
    (two,) = reused(text, reuse)
    assert isinstance(two, Document) and two.data["spec"]["names"]["kind"] == "Widget"


BROKEN = [
    # a quoted scalar and a flow list that run over a --- line: the whole stream's error and place
    f"{big('a')}---\nkey: 'open\n---\nclosed'\n---\n{big('b')}",
    f"{big('a')}---\nlist: [1,\n---\n2]\n---\n{big('b')}",
    # a document after `...` without ---
    f"{big('a')}...\nb: 2\n---\n{big('b')}",
    # an error inside a large document, and in a small one after it
    SMALL + "---\n" + big("a", "  group: twice\n") + "---\n" + SMALL,
    f"{big('a')}---\n{SMALL}{SMALL}---\n{big('b')}",
    # an alias to an anchor of an earlier document
    big("a", "  anchored: &here 1\n") + "---\nb: *here\n",
    # a tab after the marker, a marker ending the text
    f"{big('a')}---\tb: 1\n---",
    # a marker line, then a document end before the large document (read alone, it would start a stream)
    "a: 1\n---\n...\n" + big("a"),
    big("b") + "---\n# note\n...\n" + big("a"),
    # syntax error in the first run, large runs after it
    f"a: b: c\n---\n{big('a')}---\n{big('b')}",
]


def test_errors_are_the_whole_streams_at_the_whole_streams_place() -> None:
    for text in BROKEN:
        reuse = SmallReuse()
        reused(big("a") + "---\n" + big("b"), reuse)  # both large documents known already
        assert shape(reused(text, reuse)) == whole(text), text
        assert any(isinstance(item, LoadError) for item in reused(text, SmallReuse())) == (
            any(entry[0] == "error" for entry in whole(text))
        )


def test_texts_with_directives_byte_order_marks_or_other_line_breaks_are_read_whole() -> None:
    reuse = SmallReuse()
    tagged = f"%TAG !e! tag:example.com,2000:\n---\n{big('a')}---\n{big('b')}"
    bom = f"{big('a')}---\n\ufeff{big('b')}"
    assert reuse.runs(tagged) is None and reuse.runs(bom) is None
    assert reuse.runs(f"{big('a')}---\n{big('b')}") is not None
    separated = f"{big('a')}---\nnote: a\u2028b\n---\n{big('b')}"
    for text in (tagged, bom, separated):
        items = reused(text, reuse)
        assert shape(items) == whole(text)
        assert all(item.same_as is None for item in items if isinstance(item, Document))


def test_what_is_kept_is_bounded() -> None:
    class Tiny(SmallReuse):
        MAX_BYTES = 1_000

    reuse = Tiny()
    reused(f"{big('a')}---\n{big('b')}---\n{big('c')}---\n{big('d')}", reuse)
    kept = reuse._kept  # noqa: SLF001 - the bound is the point
    assert 0 < len(kept) < 4 and sum(len(k[2]) + len(v.packed) for k, v in kept.items()) <= 1_000

    class Narrow(SmallReuse):
        MAX_ENTRY_BYTES = 200  # the large documents are larger than this

    narrow = Narrow()
    items = reused(f"{big('a')}---\n{big('a')}", narrow)
    assert narrow._kept == {} and all(isinstance(i, Document) and i.same_as is None for i in items)  # noqa: SLF001


def test_documents_read_with_other_limits_or_nulls_are_not_shared() -> None:
    reuse = SmallReuse()
    text = big("a", "  empty:\n")
    (kept,) = reused(text, reuse)
    (other,) = list(load_text(text, "m.yaml", keep_nulls=True, reuse=reuse))
    (tight,) = list(load_text(text, "m.yaml", Limits(max_depth=2), keep_nulls=False, reuse=reuse))
    assert isinstance(kept, Document) and isinstance(other, Document)
    assert "empty" not in kept.data["spec"] and other.data["spec"]["empty"] is None
    assert isinstance(tight, LoadError) and "nesting deeper than 2 levels" in tight.message


FRAGMENTS = [
    big("a"),
    big("b", "  extra: [x, y]\n"),
    SMALL,
    "# only a comment\n",
    "",
    "a: 1\n...\n",
    "key: 'open\n",
    "closed'\n",
    "list: [1,\n",
    "2]\n",
    "plain text\n  continued\n",
    "k: v\nk: w\n",
    "x: &a [1, 2]\ny: *a\n",
    "--- |\n  block\n",
    big("c").replace("\n", "\r\n"),
]


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8),
    markers=st.lists(st.sampled_from(["---\n", "--- \n", "---\t\n", "---\r\n", "", "\n", "# c\n---\n"]), min_size=8, max_size=8),
    warm=st.booleans(),
)
def test_any_stream_reads_as_the_whole_stream(parts: list[str], markers: list[str], warm: bool) -> None:
    text = "".join(marker + part for marker, part in zip(markers, parts))
    reuse = SmallReuse()
    if warm:
        reused("---\n".join(FRAGMENTS[:2]), reuse)
    assert shape(reused(text, reuse)) == whole(text)
    assert shape(reused(text, reuse)) == whole(text)  # and read again


def test_workers_share_what_they_read_through_a_folder(tmp_path: Path) -> None:
    first, second = SmallReuse(tmp_path), SmallReuse(tmp_path)  # two workers of one run
    text = f"{SMALL}---\n{big('a')}"
    reused(text, first)
    (entry,) = tmp_path.iterdir()  # written whole, then renamed into place: no partial file stays
    items = reused("# elsewhere\n---\n" + big("a"), second)
    assert isinstance(items[0], Document) and items[0].same_as is not None  # read by the other one
    assert shape(items) == whole("# elsewhere\n---\n" + big("a"))
    assert second._kept and entry.exists()  # noqa: SLF001 - and kept in memory from then on


def test_an_entry_is_used_only_for_its_own_text(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    reused(big("a"), SmallReuse(tmp_path / "a"))
    reused(big("b"), SmallReuse(tmp_path / "b"))
    (entry,) = (tmp_path / "a").iterdir()
    (other,) = (tmp_path / "b").iterdir()
    entry.write_bytes(other.read_bytes())  # b's text and data under a's name
    (item,) = reused(big("a"), SmallReuse(tmp_path / "a"))
    assert isinstance(item, Document) and item.data["metadata"]["name"] == "a"  # read anew, not b's
    for broken in (b"", b"\x00garbage", marshal.dumps(("text",)), marshal.dumps((big("a"), "not bytes", (0, 0), (1, 0)))):
        entry.write_bytes(broken)
        assert shape(reused(big("a"), SmallReuse(tmp_path / "a"))) == whole(big("a"))


def test_a_missing_or_full_folder_only_costs_the_reading(tmp_path: Path) -> None:
    gone = SmallReuse(tmp_path / "gone")
    assert shape(reused(f"{big('a')}---\n{big('a')}", gone)) == whole(f"{big('a')}---\n{big('a')}")

    class Full(SmallReuse):
        MAX_BYTES = 2_000

    full = Full(tmp_path)
    reused(f"{big('a')}---\n{big('b')}---\n{big('c')}---\n{big('d')}---\n{big('e')}", full)
    assert 0 < sum(entry.stat().st_size for entry in tmp_path.iterdir()) <= 2_000
