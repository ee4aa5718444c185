"""The fast YAML writer gives exactly ruamel.yaml's bytes whenever it writes at all."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kgen.load.yamlload import Document, load_text
from kgen.render import emit

from tests.conftest import examples

# Characters that matter to YAML: indicators, quotes, spaces, colons, comments.
_ALPHABET = "abcXYZ019 -_.:/@%*$()=+,#'\"!&|>?[]{}`~\t"
_TEXT = st.text(alphabet=_ALPHABET, max_size=12) | st.sampled_from(
    ["yes", "no", "on", "off", "y", "~", "null", "1.0", "0x1F", "1:20", "2024-01-01", "25%", "0 3 * * *", "-U", "- x", "a: b", "a #b", "@x", "%x", "*x", "&x", "!x", "'q'"]
)
_SCALAR = _TEXT | st.integers(-10**6, 10**6) | st.booleans()
_KEY = st.text(alphabet="abcXYZ019-_./:", min_size=1, max_size=10)
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEY, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=examples(100), deadline=None)
@given(st.dictionaries(_KEY, _VALUE, min_size=1, max_size=5))
def test_fast_writer_matches_ruamel_or_declines(obj: dict[str, Any]) -> None:
    lines: list[str] = []
    if not emit._fast_mapping(obj, 0, lines):
        return
    text = "\n".join(lines) + "\n"
    assert text == emit.ruamel_yaml(obj)
    (document,) = load_text(text, "x.yaml")
    assert isinstance(document, Document) and document.data == obj


def test_rendered_objects_take_the_fast_path() -> None:
    obj = {"spec": {"strategy": {"rollingUpdate": {"maxSurge": "25%"}}, "schedule": "0 3 * * *", "args": ["-U", "yes"]}}
    assert emit.to_yaml(obj) == emit.ruamel_yaml(obj)
    assert emit._fast_mapping(obj, 0, [])


_PLAINISH = st.text(alphabet="abc019 -_.:/%*$()=+,@", max_size=10)
_PLAIN_VALUE = st.recursive(
    _PLAINISH | st.integers(0, 99) | st.booleans(),
    lambda inner: st.lists(inner, min_size=1, max_size=3) | st.dictionaries(_KEY, inner, min_size=1, max_size=3),
    max_leaves=10,
)


@settings(max_examples=examples(100), deadline=None)
@given(st.dictionaries(_KEY, _PLAIN_VALUE, min_size=1, max_size=5))
def test_fast_writer_on_mostly_plain_values(obj: dict[str, Any]) -> None:
    test_fast_writer_matches_ruamel_or_declines.hypothesis.inner_test(obj)  # type: ignore[attr-defined]


@settings(max_examples=examples(500), deadline=None)
@given(st.text(alphabet=_ALPHABET.replace("\t", ""), min_size=1, max_size=16), st.booleans())
def test_quoted_and_plain_one_line_values_match_ruamel(value: str, in_list: bool) -> None:
    obj: dict[str, Any] = {"k": [value] if in_list else value}
    lines: list[str] = []
    if emit._fast_mapping(obj, 0, lines):
        text = "\n".join(lines) + "\n"
        assert text == emit.ruamel_yaml(obj)
        (document,) = load_text(text, "x.yaml")
        assert isinstance(document, Document) and document.data == obj


def test_alert_expressions_and_sentences_take_the_fast_path() -> None:
    obj = {
        "expr": 'sum(rate(http_requests_total{namespace="shop", code=~"5.."}[5m])) / sum(rate(x[5m])) > 0.05',
        "summary": "shop-api: more than 5% of requests fail",
        "description": "It's {{ $value }} now: check the logs",
        "quote": "'q'",
    }
    lines: list[str] = []
    assert emit._fast_mapping(obj, 0, lines)
    assert "\n".join(lines) + "\n" == emit.ruamel_yaml(obj)
    assert lines[0].startswith("expr: sum(rate(")  # plain, as ruamel writes it
    assert lines[2] == "description: \"It's {{ $value }} now: check the logs\""
