"""Property: a file and a shuffled, reformatted copy of it have no changes.

The copy has its documents reordered and spread over several files, every
mapping's keys reordered, every named list reordered, and is written as
block YAML, flow YAML, mixed, or JSON with varying indent and width.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diff_support import CORPUS, FIXTURES, STYLES, documents_of, emit
from kgen.diff.api import DiffOptions, diff_texts
from kgen.errors import LoadError

from tests.conftest import examples


def _loadable(paths: list[Path]) -> list[tuple[str, str, list[Any]]]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            found.append((str(path), text, documents_of(text, str(path))))
        except LoadError:
            continue  # refused by the loader (duplicate keys): nothing to shuffle
    return found


def _sample() -> list[tuple[str, str, list[Any]]]:
    """Every fixture, and every corpus file under 200 kB (a fixed, varied sample)."""
    fixtures = sorted(FIXTURES.rglob("*.yaml"))
    corpus = sorted(p for p in CORPUS.rglob("*.y*ml") if p.stat().st_size < 200_000)
    return _loadable(fixtures + corpus)


FILES = _sample()


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(min_value=0, max_value=max(len(FILES) - 1, 0)), seed=st.integers(), style=st.sampled_from(STYLES))
def test_a_shuffled_reformatted_copy_has_no_changes(index: int, seed: int, style: str) -> None:
    name, text, documents = FILES[index]
    copy = emit(documents, random.Random(seed), style)
    result = diff_texts({name: text}, copy, DiffOptions())
    assert not result.changed, [(obj.key.display(), [c.path_text for c in obj.changes]) for obj in result.objects]


def test_the_sample_is_varied() -> None:
    assert len(FILES) > 40
    kinds = {doc.get("kind") for _, _, docs in FILES for doc in docs if isinstance(doc, dict)}
    assert {"Deployment", "Service", "ConfigMap", "StatefulSet", "Secret"} <= kinds


def test_a_shuffled_copy_with_one_change_has_that_change() -> None:
    """The property is not vacuous: the same shuffling keeps real changes visible."""
    name, text, documents = next(f for f in FILES if "shop/old/api.yaml" in f[0])
    changed = [dict(doc) for doc in documents]
    changed[0] = {**changed[0], "spec": {**changed[0]["spec"], "replicas": 7}}
    copy = emit(changed, random.Random(3), "flow")
    result = diff_texts({name: text}, copy, DiffOptions())
    assert [(c.path_text, c.old, c.new) for obj in result.objects for c in obj.changes] == [("spec.replicas", 3, 7)]
