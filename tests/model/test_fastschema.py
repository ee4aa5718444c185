"""The compiled schema check must agree with jsonschema, valid or not."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgen.load.discover import discover, read_text
from kgen.load.yamlload import Document, load_text
from kgen.model.fastschema import Compiler, Unsupported
from kgen.model.kubeschema import KubeSchemas

from tests.conftest import CORPUS, REPO, examples


def _objects() -> list[dict[str, Any]]:
    found = []
    for source in discover([str(CORPUS), str(REPO / "fixtures")]):
        try:
            text = read_text(source)
        except Exception:
            continue
        for document in load_text(text, source.name):
            data = getattr(document, "data", None)
            if isinstance(document, Document) and isinstance(data, dict):
                if isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str):
                    found.append(data)
    return found


OBJECTS = _objects()
SCHEMAS = KubeSchemas("1.37")
KNOWN = [o for o in OBJECTS if SCHEMAS.known(o["apiVersion"], o["kind"])]


def agree(obj: dict[str, Any]) -> None:
    key = (obj["apiVersion"], obj["kind"])
    fast = SCHEMAS._fast[key]
    slow = jsonschema.Draft202012Validator(SCHEMAS._schemas[key], registry=SCHEMAS._get_registry())
    slow_valid = not any(True for _ in slow.iter_errors(obj))
    assert fast(obj) == slow_valid


def test_every_real_object_gets_the_same_answer() -> None:
    assert len(KNOWN) > 500  # the corpus slice and the fixtures
    for obj in KNOWN:
        agree(obj)


def test_every_kind_of_the_newest_version_compiles() -> None:
    folder = SCHEMAS.folder
    compiler = SCHEMAS._get_compiler()  # with the quantity decoding kgen adds to the definitions
    import json

    for path in sorted(folder.glob("*.json")):
        if path.name in ("_definitions.json", "all.json"):
            continue
        compiler.compile(json.loads(path.read_text()))


def test_unknown_keywords_are_refused_not_ignored() -> None:
    with pytest.raises(Unsupported):
        Compiler({}).compile({"type": "integer", "multipleOf": 2})


_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 70000), st.floats(allow_nan=False), st.text(max_size=5),
    st.just([]), st.just({}), st.just([1, "a"]), st.just({"x": 1}),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, prefix + (index,))
    return found


@settings(max_examples=examples(100), deadline=None)
@given(data=st.data())
def test_mutated_objects_get_the_same_answer(data: st.DataObject) -> None:
    obj = copy.deepcopy(data.draw(st.sampled_from(KNOWN)))
    paths = [p for p in _paths(obj) if len(p) > 2]
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["replace", "delete", "extra"]))
    if action == "replace":
        parent[path[-1]] = data.draw(_VALUES)
    elif action == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=6))] = data.draw(_VALUES)
    agree(obj)


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [("apps/" + "x" * 5000, "Deployment"), ("apps/v1", "D" * 5000), ("../../etc/v1", "Deployment"), ("apps/v1", "De/ployment")],
)
def test_implausible_api_versions_and_kinds_have_no_schema(api_version: str, kind: str) -> None:
    assert not SCHEMAS.known(api_version, kind)
    assert list(SCHEMAS.problems({"apiVersion": api_version, "kind": kind})) == []


# -- the keywords schema predicates use besides Kubernetes' own (const, not, if, contains) --

_PREDICATES = [
    {"const": {"a": [1, True]}},
    {"not": {"required": ["privileged"], "properties": {"privileged": {"const": True}}}},
    {"if": {"required": ["a"]}, "then": {"properties": {"a": {"const": 1}}}, "else": {"required": ["b"]}},
    {"if": {"properties": {"a": {"type": "integer"}}}, "then": False},
    {"then": False, "else": False},  # without if, they assert nothing
    {"properties": {"add": {"type": "array", "contains": {"const": "CAP_SYS_ADMIN"}}}},
    {"enum": [{"x": 1, "y": [1.0]}, [True], None]},
    {"not": {"enum": [1, "1", False]}},
]


_LEAVES = st.sampled_from([None, True, False, 0, 1, 1.0, 2, "1", "a", "CAP_SYS_ADMIN"])
_TREES = st.recursive(
    _LEAVES,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "b", "x", "y", "add", "privileged"]), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=examples(500))
@given(st.sampled_from(_PREDICATES), _TREES)
def test_predicate_keywords_agree_with_jsonschema_exactly(schema: dict[str, Any], value: Any) -> None:
    fast = Compiler({}).compile(schema)
    slow = jsonschema.Draft7Validator(schema)
    assert fast(value) == slow.is_valid(value)


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"const": {"a": 1, "b": 2}}, {"b": 2, "a": 1.0}),  # mappings equal whatever the order, 1 == 1.0
        ({"const": [1]}, [True]),  # but True is not 1, at any depth
        ({"not": {"const": {"a": [True]}}}, {"a": [1]}),
        ({"enum": [[0]]}, [False]),
    ],
)
def test_equality_is_jsonschemas(schema: dict[str, Any], value: Any) -> None:
    assert Compiler({}).compile(schema)(value) == jsonschema.Draft7Validator(schema).is_valid(value)
