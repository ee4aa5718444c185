"""A schema predicate's finding is placed where jsonschema places it, without jsonschema
(kgen.check.explain): the shipped predicates and generated ones, on generated objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgen.check.explain import explainer
from kgen.check.keywords import kgen_validator
from kgen.check.policy import builtin_policy_dir, compile_policy, load_policy_dirs


def placed_by_jsonschema(schema: Any, instance: Any) -> tuple[Any, ...] | None:
    """The engine's placing before kgen.check.explain: the shallowest of jsonschema's errors, then the
    first missing property of a `required` one."""
    errors = list(kgen_validator()(schema).iter_errors(instance))
    if not errors:
        return None
    error = min(errors, key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = [p for p in error.validator_value if not isinstance(error.instance, Mapping) or p not in error.instance]
        path = path + tuple(missing[:1])
    return path


SHIPPED = {
    policy.id: compile_policy(policy, {}).schema
    for policy in load_policy_dirs([builtin_policy_dir()])
    if policy.schema is not None
}

NAMES = [
    "resources", "limits", "requests", "cpu", "memory", "securityContext", "privileged", "capabilities",
    "add", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "livenessProbe", "readinessProbe", "spec",
    "startingDeadlineSeconds", "a", "b",
]
SCALARS = st.sampled_from([None, True, False, 0, 1, 1.0, 2.5, "0", "0m", "100m", "1Gi", "x", "CAP_SYS_ADMIN", "NET_ADMIN", ""])
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES), inner, max_size=4),
    max_leaves=12,
)
OBJECTS = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=5)


def test_every_shipped_predicate_has_an_explainer() -> None:
    assert len(SHIPPED) >= 8
    assert [name for name, schema in SHIPPED.items() if explainer(schema) is None] == []


@pytest.mark.parametrize("name", sorted(SHIPPED))
@settings(max_examples=300, deadline=None)
@given(instance=OBJECTS)
def test_shipped_predicates_place_findings_as_jsonschema(name: str, instance: dict[str, Any]) -> None:
    explain = explainer(SHIPPED[name])
    assert explain is not None
    assert explain(instance) == placed_by_jsonschema(SHIPPED[name], instance)


def test_a_finding_nested_in_properties_and_if_else() -> None:
    schema = SHIPPED["privilege-escalation"]
    explain = explainer(schema)
    assert explain is not None
    assert explain({}) == ("securityContext",)
    assert explain({"securityContext": {}}) == ("securityContext", "allowPrivilegeEscalation")
    assert explain({"securityContext": {"allowPrivilegeEscalation": True}}) == ("securityContext", "allowPrivilegeEscalation")
    assert explain({"securityContext": {"privileged": True}}) is None  # the if holds: then is true
    assert explain({"securityContext": {"allowPrivilegeEscalation": False}}) is None


LEAF_SCHEMAS = st.sampled_from(
    [
        {"type": "object"}, {"type": ["string", "null"]}, {"const": True}, {"const": 1}, {"enum": ["x", 0]},
        {"minItems": 1}, {"maxLength": 1}, {"minimum": 1}, {"contains": {"const": "x"}},
        {"not": {"type": "string"}}, {"anyOf": [{"type": "string"}, {"required": ["a"]}]},
        {"oneOf": [{"type": "integer"}, {"type": "number"}]}, {"quantityPositive": True},
        {"quantityMaximum": "1"}, {"pattern": "^[a-z]+$"}, True, False, {},
    ]
)
SCHEMAS = st.recursive(
    LEAF_SCHEMAS,
    lambda inner: st.one_of(
        st.builds(lambda names: {"required": names}, st.lists(st.sampled_from(NAMES), min_size=1, max_size=3)),
        st.builds(lambda props: {"properties": props}, st.dictionaries(st.sampled_from(NAMES), inner, max_size=3)),
        st.builds(lambda item: {"items": item}, inner),
        st.builds(lambda subs: {"allOf": subs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c, t, e: {"if": c, "then": t, "else": e}, inner, inner, inner),
        st.builds(lambda c, t: {"if": c, "then": t}, inner, inner),
        st.builds(lambda t: {"then": t}, inner),  # then alone: ignored
        st.builds(lambda a, b: {**a, **b} if isinstance(a, dict) and isinstance(b, dict) else a, inner, inner),
    ),
    max_leaves=8,
)


@settings(max_examples=1500, deadline=None)
@given(schema=SCHEMAS, instance=VALUES)
def test_generated_predicates_place_findings_as_jsonschema(schema: Any, instance: Any) -> None:
    explain = explainer(schema)
    assert explain is not None  # every keyword generated here is one the walk places
    assert explain(instance) == placed_by_jsonschema(schema, instance)


def test_keywords_that_place_errors_elsewhere_get_no_explainer() -> None:
    for schema in (
        {"$ref": "#/definitions/x"},
        {"items": [{"type": "string"}]},
        {"additionalProperties": False},
        {"patternProperties": {"^a": {"type": "string"}}},
        {"properties": {"a": {"dependencies": {"b": ["c"]}}}},
        {"contains": {"type": "string"}, "minContains": 2},
    ):
        assert explainer(schema) is None, schema


def test_a_false_schema_for_a_field_is_reported_at_its_parent_as_jsonschema_does() -> None:
    explain = explainer({"properties": {"a": {"properties": {"b": False}}}})
    assert explain is not None
    assert explain({"a": {"b": 1}}) == ("a",) == placed_by_jsonschema({"properties": {"a": {"properties": {"b": False}}}}, {"a": {"b": 1}})
    nested = {"properties": {"a": {"allOf": [False]}}}  # a false schema reached without a field: at the value
    explain = explainer(nested)
    assert explain is not None and explain({"a": 1}) == ("a",) == placed_by_jsonschema(nested, {"a": 1})
