"""A schema predicate's compiled check answers exactly as jsonschema does, on every real container."""

from __future__ import annotations

from typing import Any

import pytest

from kgen.check.engine import _ref
from kgen.check.index import ObjectEntry
from kgen.check.policy import builtin_policy_dir, check_predicate, compile_policy, load_policy_dirs
from kgen.check.targets import ObjectTargets
from kgen.load.discover import discover, read_text
from kgen.load.yamlload import Document, load_text
from kgen.model.k8s import WorkloadIndex, objects_in

from tests.conftest import CORPUS, REPO

PREDICATES = [compile_policy(p, {}) for p in load_policy_dirs([builtin_policy_dir()]) if p.schema is not None]


def _targets() -> list[Any]:
    found = []
    for source in discover([str(CORPUS), str(REPO / "fixtures")]):
        try:
            text = read_text(source)
        except Exception:
            continue
        for document in load_text(text, source.name, keep_nulls=False):
            if not isinstance(document, Document):
                continue
            for base, data in objects_in(document.data):
                if data is not None:
                    found.append(data)
    return found


OBJECTS = _targets()
WORKLOADS = WorkloadIndex()


def test_every_shipped_predicate_compiles_and_is_a_valid_schema() -> None:
    assert [rule.id for rule in PREDICATES if rule.holds is None] == []
    assert len(PREDICATES) >= 8
    for rule in PREDICATES:
        check_predicate(rule.schema)  # kgen skips this for its own policies at run time


@pytest.mark.parametrize("rule", PREDICATES, ids=lambda rule: rule.id)
def test_compiled_predicate_agrees_with_jsonschema(rule: Any) -> None:
    seen = 0
    for data in OBJECTS:
        entry = ObjectEntry(
            ref=_ref(data), data=data, source="x.yaml", doc_index=0, base=(), line_span=(0, 0), line=1, column=1,
            workload=WORKLOADS.shape(data),
        )
        targets = ObjectTargets.of(entry)
        for target in targets.for_policy(rule.policy):
            seen += 1
            assert rule.holds(target.data) == rule.validator.is_valid(target.data), (rule.id, target.path)
    assert seen > 20
