"""The scalar table, value by value, against the rules of go-yaml v2 (what kubectl and the API server use).

Each expectation was worked out from go-yaml v2's resolve table and Go's
strconv.ParseInt(s, 0, 64) / ParseUint / ParseFloat, not from kgen's output.
"""

from __future__ import annotations

import math

import pytest

from kgen.errors import LoadError
from kgen.load.resolve import BOOL, FLOAT, INT, MERGE, NULL, STR, go_float32_g, is_plain_text, json_key, resolve_plain
from kgen.load.yamlload import Document, load_text

GO_YAML_V2 = [
    # no base 60 (YAML 1.1 reads 12:30 as 750 and 03:15 as 195)
    ("12:30", STR, "12:30"),
    ("03:15", STR, "03:15"),
    ("1:20:30", STR, "1:20:30"),
    ("-1:30", STR, "-1:30"),
    ("190:20:30.15", STR, "190:20:30.15"),
    # booleans: the whole YAML 1.1 list, y/n included, in three spellings only
    ("y", BOOL, True), ("Y", BOOL, True), ("yes", BOOL, True), ("Yes", BOOL, True), ("YES", BOOL, True),
    ("on", BOOL, True), ("On", BOOL, True), ("ON", BOOL, True),
    ("true", BOOL, True), ("True", BOOL, True), ("TRUE", BOOL, True),
    ("n", BOOL, False), ("N", BOOL, False), ("no", BOOL, False), ("No", BOOL, False), ("NO", BOOL, False),
    ("off", BOOL, False), ("Off", BOOL, False), ("OFF", BOOL, False),
    ("false", BOOL, False), ("False", BOOL, False), ("FALSE", BOOL, False),
    ("yEs", STR, "yEs"), ("TrUe", STR, "TrUe"), ("oN", STR, "oN"), ("yep", STR, "yep"), ("nope", STR, "nope"),
    # null
    ("~", NULL, None), ("null", NULL, None), ("Null", NULL, None), ("NULL", NULL, None), ("nULL", STR, "nULL"),
    # integers: ParseInt base 0, underscores dropped first
    ("0", INT, 0), ("-0", INT, 0), ("+7", INT, 7), ("-7", INT, -7), ("42", INT, 42),
    ("010", INT, 8), ("-010", INT, -8), ("0777", INT, 511), ("00", INT, 0),
    ("0x1F", INT, 31), ("0X1f", INT, 31), ("-0x10", INT, -16), ("+0x10", INT, 16),
    ("0o17", INT, 15), ("0O17", INT, 15), ("0b101", INT, 5), ("-0b101", INT, -5), ("0B11", INT, 3),
    ("1_000", INT, 1000), ("1__0", INT, 10), ("0x_1F", INT, 31),
    ("9223372036854775807", INT, 2**63 - 1),
    ("9223372036854775808", INT, 2**63),  # ParseUint takes what int64 cannot
    ("18446744073709551615", INT, 2**64 - 1),
    ("-9223372036854775808", INT, -(2**63)),
    # floats: the YAML-style float pattern, then ParseFloat
    ("1.10", FLOAT, 1.1), ("1.0", FLOAT, 1.0), ("1.", FLOAT, 1.0), (".5", FLOAT, 0.5), ("-.5", FLOAT, -0.5),
    ("+.5", FLOAT, 0.5), ("1e3", FLOAT, 1000.0), ("1E3", FLOAT, 1000.0), ("1.5e-3", FLOAT, 0.0015),
    ("-2.5E+2", FLOAT, -250.0), (".5e1", FLOAT, 5.0),
    ("08", FLOAT, 8.0), ("09", FLOAT, 9.0), ("0789", FLOAT, 789.0),  # not octal: the float pattern takes them
    ("18446744073709551616", FLOAT, 18446744073709551616.0),  # past uint64
    ("1_000.5", FLOAT, 1000.5),
    ("1e400", STR, "1e400"),  # ParseFloat overflows: text
    ("1" * 400, STR, "1" * 400),
    ("1" * 5000, STR, "1" * 5000),
    (".inf", FLOAT, math.inf), (".Inf", FLOAT, math.inf), (".INF", FLOAT, math.inf), ("+.inf", FLOAT, math.inf),
    ("-.inf", FLOAT, -math.inf), ("-.INF", FLOAT, -math.inf),
    (".iNf", STR, ".iNf"), ("inf", STR, "inf"), ("-inf", STR, "-inf"), ("Infinity", STR, "Infinity"),
    ("nan", STR, "nan"), ("NaN", STR, "NaN"), (".", STR, "."), (".5_0", STR, ".5_0"), (".e5", STR, ".e5"),
    # text that looks numeric to other readers
    ("0x", STR, "0x"), ("0xG", STR, "0xG"), ("0b2", STR, "0b2"), ("0o8", STR, "0o8"), ("1e", STR, "1e"),
    ("1.2.3", STR, "1.2.3"), ("v1.2", STR, "v1.2"), ("1.2.3-rc1", STR, "1.2.3-rc1"), ("-", STR, "-"),
    ("+", STR, "+"), ("_1", STR, "_1"), ("1,000", STR, "1,000"), ("1 000", STR, "1 000"),
    ("250m", STR, "250m"), ("1Gi", STR, "1Gi"), ("0.5Gi", STR, "0.5Gi"), ("1e3Mi", STR, "1e3Mi"),
    # timestamps stay text (go-yaml v2 keeps them as strings when decoding to interface{})
    ("2001-12-14", STR, "2001-12-14"), ("2001-12-14T21:59:43.10-05:00", STR, "2001-12-14T21:59:43.10-05:00"),
    ("<<", MERGE, "<<"),
]


@pytest.mark.parametrize(("text", "tag", "value"), GO_YAML_V2, ids=[t[0][:20] or "empty" for t in GO_YAML_V2])
def test_plain_scalar_resolves_as_go_yaml_v2(text: str, tag: str, value: object) -> None:
    got_tag, got = resolve_plain(text)
    assert got_tag == tag
    assert type(got) is type(value)
    if isinstance(value, float) and math.isnan(value):
        assert math.isnan(got)  # type: ignore[arg-type]
    else:
        assert got == value


def test_nan_is_a_float() -> None:
    for text in (".nan", ".NaN", ".NAN"):
        tag, value = resolve_plain(text)
        assert tag == FLOAT and math.isnan(value)


@pytest.mark.parametrize(
    ("text", "plain"),
    [("12:30", True), ("web", True), ("y", False), ("1.10", False), ("010", False), ("08", False),
     ("1e3", False), ("null", False), ("", False), ("0x1F", False), ("1.2.3", True), ("TrUe", True)],
)
def test_is_plain_text(text: str, plain: bool) -> None:
    assert is_plain_text(text) is plain


@pytest.mark.parametrize(
    ("value", "key"),
    [(True, "true"), (False, "false"), (8, "8"), (-3, "-3"), (1.1, "1.1"), (1000.0, "1000"), (1e6, "1e+06"),
     (123456.0, "123456"), (1234567.0, "1.234567e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"),
     (0.1, "0.1"), (3.14159265358979, "3.1415927"), (-2.5, "-2.5"), (math.inf, ".inf"), (-math.inf, "-.inf"),
     (math.nan, ".nan"), ("x", "x"), (None, None), (2**63, None)],
)
def test_mapping_keys_become_json_keys_as_sigs_yaml_makes_them(value: object, key: str | None) -> None:
    assert json_key(value) == key


def test_float32_shortest_form_rounds_to_single_precision() -> None:
    assert go_float32_g(16777217.0) == "1.6777216e+07"  # not representable in float32
    assert go_float32_g(1e100) == ".inf" and go_float32_g(-3.5e38) == "-.inf"  # beyond float32: infinity, as in Go


def load_one(text: str, keep_nulls: bool = True) -> Document:
    (doc,) = list(load_text(text, "m.yaml", keep_nulls=keep_nulls))
    assert isinstance(doc, Document)
    return doc


def test_the_loader_uses_the_table_for_values_and_keys() -> None:
    doc = load_one("start: 12:30\nmode: 010\nhex: 0x1F\nflag: y\nversion: 1.10\nyes: a\n010: b\n1.50: c\nquoted: '010'\n")
    assert doc.data == {
        "start": "12:30", "mode": 8, "hex": 31, "flag": True, "version": 1.1,
        "true": "a", "8": "b", "1.5": "c", "quoted": "010",
    }
    assert doc.position(("true",)) == (6, 1)
    assert doc.position(("8",)) == (7, 1)
    assert doc.position(("1.5",)) == (8, 1)


def test_explicit_tags_decode_as_go_yaml_decodes_them() -> None:
    doc = load_one("a: !!str 010\nb: !!int 0x10\nc: !!float 3\nd: !!bool yes\ne: !custom 3\n")
    assert doc.data == {"a": "010", "b": 16, "c": 3.0, "d": True, "e": "3"}
    assert isinstance(doc.data["c"], float)


def test_an_explicit_tag_that_does_not_fit_is_refused_at_its_place() -> None:
    (error,) = list(load_text("a: 1\nb: !!int abc\n", "m.yaml"))
    assert isinstance(error, LoadError)
    assert error.location is not None and (error.location.line, error.location.column) == (2, 4)
    assert "cannot read this value as int" in error.message
    assert "abc" not in error.message  # the value may be a secret: the position names it


def test_keys_that_read_the_same_are_duplicates() -> None:
    (error,) = list(load_text("data:\n  on: a\n  true: b\n", "m.yaml"))
    assert isinstance(error, LoadError)
    assert error.message == "duplicate key 'true' (first defined at line 2 as 'on', both read as 'true')"
    assert error.location is not None and (error.location.line, error.location.column) == (3, 3)


def test_a_null_key_has_no_json_form() -> None:
    (error,) = list(load_text("~: a\n", "m.yaml"))
    assert isinstance(error, LoadError)
    assert "has no JSON form" in error.message


def test_null_is_absent_when_read_as_the_api_server_reads_it() -> None:
    text = (
        "resources:\nsecurityContext: null\nlimits: ~\nprobe: Null\nkept: 0\nlist: [null, 1]\n"
        "base: &b {x: 1, y2: 2}\nmerged:\n  <<: *b\n  x: null\n"
    )
    doc = load_one(text, keep_nulls=False)
    assert doc.data == {"kept": 0, "list": [None, 1], "base": {"x": 1, "y2": 2}, "merged": {"y2": 2}}
    kept = load_one(text)
    assert kept.data["resources"] is None and kept.data["merged"] == {"x": None, "y2": 2}


def test_plain_scalar_reports_only_unquoted_values() -> None:
    doc = load_one("a: 1.10\nb: '1.10'\nc: web\nd: !!str 1.10\n")
    assert doc.plain_scalar(("a",)) == "1.10"
    assert doc.plain_scalar(("b",)) is None
    assert doc.plain_scalar(("c",)) is None  # text already
    assert doc.plain_scalar(("d",)) is None


def test_renamed_keys_name_only_keys_read_otherwise_than_written() -> None:
    doc = load_one("data:\n  on: a\n  8080: b\n  010: c\n  plain: d\n")
    assert doc.renamed_keys(("data", "true")) == [("true", "on")]
    assert doc.renamed_keys(("data", "8080")) == []
    assert doc.renamed_keys(("data", "8")) == [("8", "010")]
    assert doc.renamed_keys(("data", "plain")) == []


@pytest.mark.parametrize(
    ("text", "merged", "at"),
    [
        # go-yaml v2 applies entries in the order written: a merge after a key overwrites it
        ("b: &b {a: 2, c: 3}\nm: {a: 1, <<: *b}\n", {"a": 2, "c": 3}, (1, 8)),
        ("b: &b {a: 2}\nm: {<<: *b, a: 1}\n", {"a": 1}, (2, 13)),
        # in a list of merged mappings the earlier one wins
        ("x: &x {a: 1}\ny: &y {a: 2}\nm: {<<: [*x, *y]}\n", {"a": 1}, (1, 8)),
        # an explicit null before a merge is overwritten by it; after it, it unsets the key
        ("b: &b {a: 2}\nm: {a: null, <<: *b}\n", {"a": 2}, (1, 8)),
        ("b: &b {a: 2, c: 3}\nm: {<<: *b, a: null}\n", {"c": 3}, (2, 13)),
    ],
)
def test_merge_keys_apply_in_go_yaml_v2_order(text: str, merged: dict[str, int], at: tuple[int, int]) -> None:
    doc = load_one(text, keep_nulls=False)
    assert doc.data["m"] == merged
    assert doc.position(("m", "a")) == at
