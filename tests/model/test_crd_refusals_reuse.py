"""A CRD schema's refusals are walked once per distinct schema, and distinct means type for type."""

from __future__ import annotations

import copy

from kgen.model.crdschema import _refusals_of

SCHEMA = {
    "type": "object",
    "properties": {"spec": {"type": "object", "properties": {"ports": {"type": "array", "items": {"type": "integer"}}}}},
}


def test_an_equal_schema_gets_the_same_answer() -> None:
    first = _refusals_of(SCHEMA)
    assert first == () and _refusals_of(copy.deepcopy(SCHEMA)) is first


def test_one_is_not_true() -> None:
    loose = copy.deepcopy(SCHEMA)
    loose["properties"]["spec"]["properties"]["ports"]["uniqueItems"] = 1
    strict = copy.deepcopy(SCHEMA)
    strict["properties"]["spec"]["properties"]["ports"]["uniqueItems"] = True
    assert loose == strict  # to Python's ==
    assert _refusals_of(loose) == ()
    (problem,) = _refusals_of(strict)
    assert problem.path == ("properties", "spec", "properties", "ports", "uniqueItems")
    assert "uniqueItems cannot be set to true" in problem.message
    assert _refusals_of(copy.deepcopy(loose)) == ()  # and the other way round
