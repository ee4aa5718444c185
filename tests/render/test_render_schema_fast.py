"""The profile schema's compiled yes/no check answers exactly as jsonschema does."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from kgen.load.yamlload import Document, load_text
from kgen.render.schema import SCHEMA_FILE, _holds
from kgen.render.text import keep_written
from kgen.resources import load_schema

from tests.conftest import REPO, examples

SLOW = jsonschema.Draft7Validator(load_schema(SCHEMA_FILE))
FAST = _holds()


def _profiles() -> list[Any]:
    found = []
    for path in sorted((REPO / "fixtures" / "profiles").glob("*.yaml")):
        for document in load_text(path.read_text(encoding="utf-8"), str(path)):
            if isinstance(document, Document):  # as the loader validates it: text fields as written
                written, _ = keep_written(document.data, document.plain_scalar, key_at=document.written_key)
                found.append(written)
    return found


PROFILES = _profiles()


def agree(data: Any) -> None:
    assert FAST is not None
    assert FAST(data) == SLOW.is_valid(data), data


def test_the_profile_schema_compiles_and_fixtures_agree() -> None:
    assert FAST is not None and len(PROFILES) >= 8
    for data in PROFILES:
        assert FAST(data)
        agree(data)


_ODD = st.sampled_from(
    [None, True, False, 0, -1, 1, 1.5, 2**40, "", "x", "5%", "150%", "30s", "5 minutes", "Shop_API", "a" * 70,
     "10.0.0.0/8", "ghcr.io/acme/x:latest", [], [1, 1], ["dns", "dns"], {}, {"unknown": 1}, {"create": "yes"}]
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


@settings(max_examples=examples(400), deadline=None)
@given(st.sampled_from(range(len(PROFILES))), st.data(), _ODD, st.sampled_from(["replace", "delete", "add"]))
def test_mutated_profiles_agree(which: int, data: st.DataObject, odd: Any, how: str) -> None:
    profile = copy.deepcopy(PROFILES[which])
    paths = [p for p in _paths(profile) if p]
    path = data.draw(st.sampled_from(paths))
    parent = profile
    for key in path[:-1]:
        parent = parent[key]
    if how == "replace":
        parent[path[-1]] = odd
    elif how == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent["unknownField"] = odd
    agree(profile)
