"""What the loader reads, value by value, where YAML offers more than one reading: merge keys."""

from __future__ import annotations

from typing import Any

import pytest

from kgen.load.yamlload import Document, load_text


def loaded(text: str) -> Any:
    (document,) = list(load_text(text, "m.yaml"))
    assert isinstance(document, Document), document
    return document.data


BASES = "a: &a {cpu: 1, memory: 1Gi, tier: a}\nb: &b {cpu: 2, replicas: 2, tier: b}\n"


@pytest.mark.parametrize(
    ("merge", "expected"),
    [
        # the mapping's own keys win over merged ones
        ("{<<: *a, cpu: 9}", {"cpu": 9, "memory": "1Gi", "tier": "a"}),
        ("{<<: *a, tier: own, extra: x}", {"cpu": 1, "memory": "1Gi", "tier": "own", "extra": "x"}),
        # of several merged mappings, the earlier one wins
        ("{<<: [*a, *b]}", {"cpu": 1, "memory": "1Gi", "tier": "a", "replicas": 2}),
        ("{<<: [*b, *a]}", {"cpu": 2, "memory": "1Gi", "tier": "b", "replicas": 2}),
        ("{<<: [*b, *a], tier: own}", {"cpu": 2, "memory": "1Gi", "tier": "own", "replicas": 2}),
        # an inline mapping merges as an alias does
        ("{<<: {cpu: 3}, memory: 2Gi}", {"cpu": 3, "memory": "2Gi"}),
    ],
)
def test_merge_key_precedence(merge: str, expected: dict[str, Any]) -> None:
    data = loaded(BASES + f"x: {merge}\n")
    assert data["x"] == expected
    assert data["a"] == {"cpu": 1, "memory": "1Gi", "tier": "a"}, "merging never changes the source"


def test_a_merge_inside_a_merged_mapping_applies_too() -> None:
    data = loaded("base: &base {cpu: 1}\nmid: &mid {<<: *base, memory: 1Gi}\ntop: {<<: *mid, cpu: 2}\n")
    assert data["top"] == {"cpu": 2, "memory": "1Gi"}
    assert data["mid"] == {"cpu": 1, "memory": "1Gi"}


def test_merged_values_keep_their_types() -> None:
    data = loaded("d: &d {port: 8080, debug: true, ratio: 0.5, name: web, list: [1, 2]}\ne: {<<: *d}\n")
    assert data["e"] == {"port": 8080, "debug": True, "ratio": 0.5, "name": "web", "list": [1, 2]}
    assert [type(v) for v in data["e"].values()] == [int, bool, float, str, list]
