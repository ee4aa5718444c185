"""The fast indented writer writes exactly what json.dumps(indent=...) writes."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgen.report.jsontext import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
plain = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300)
@given(plain, st.sampled_from([0, 1, 2, 4]), st.booleans())
def test_same_bytes_as_json_dumps(value: object, indent: int, ensure_ascii: bool) -> None:
    assert dumps(value, indent, ensure_ascii) == json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)


def test_edges() -> None:
    value = {"": [], "b": {}, "c": [1, -0.0, math.inf, -math.inf, math.nan, None, True, False, "é\u2028\x00\"\\"]}
    assert dumps(value) == json.dumps(value, indent=2)
    assert dumps((1, (2,))) == json.dumps((1, (2,)), indent=2)  # tuples are lists


@pytest.mark.parametrize("value", [{1: "a"}, {"a": {1, 2}}, [object()], b"bytes"])
def test_refuses_what_is_not_plain_data(value: object) -> None:
    with pytest.raises(TypeError):
        dumps(value)
