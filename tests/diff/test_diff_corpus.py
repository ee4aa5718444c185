"""diff(x, x) is empty for every fixture and every corpus file; the cost of a
diff stays a small multiple of the cost of loading."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Callable

import pytest

from diff_support import CORPUS, FIXTURES, documents_of, emit
from kgen.diff.api import DiffOptions, diff_texts
from kgen.errors import LoadError
from kgen.load.yamlload import load_text

CORPUS_FILES = sorted(path for path in CORPUS.rglob("*") if path.suffix in (".yaml", ".yml", ".json"))
FIXTURE_FILES = sorted(path for path in FIXTURES.rglob("*") if path.suffix in (".yaml", ".yml", ".json"))


def test_the_corpus_is_there() -> None:
    assert len(CORPUS_FILES) >= 40, f"expected the corpus slice at {CORPUS}"


def _test_id(path: Path) -> str:
    root = CORPUS if CORPUS in path.parents else FIXTURES.parents[1]
    return path.relative_to(root).as_posix()


@pytest.mark.parametrize("path", FIXTURE_FILES + CORPUS_FILES, ids=_test_id)
def test_a_file_diffed_with_itself_has_no_changes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        documents_of(text, str(path))
    except LoadError:
        # the file itself is refused (duplicate keys): so is the diff, with the same error
        with pytest.raises(LoadError):
            diff_texts({path.name: text}, {path.name: text}, DiffOptions())
        return
    result = diff_texts({path.name: text}, {path.name: text}, DiffOptions())
    assert not result.changed


def best_of(runs: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


@pytest.mark.long
def test_diffing_a_shuffled_copy_costs_about_three_loads() -> None:
    """The target is ~3x the time of loading one side (measured: ~2.5x on the
    whole corpus); the bound here is 4x, to catch the field walk running on equal objects.
    A timing, so only with --long (on a quiet machine)."""
    path = CORPUS / "argo-cd" / "manifests" / "namespace-install.yaml"  # the biggest file of the slice: 50 objects
    text = path.read_text(encoding="utf-8")
    copy = emit(documents_of(text, "install.yaml"), random.Random(1), "block")
    load = best_of(3, lambda: list(load_text(text, "install.yaml")))
    diff = best_of(3, lambda: diff_texts({"install.yaml": text}, copy, DiffOptions()))
    assert not diff_texts({"install.yaml": text}, copy, DiffOptions()).changed
    assert diff < 4 * load, f"diff {diff:.3f}s vs load {load:.3f}s"


def test_a_shuffled_copy_is_never_walked_field_by_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the timing above guards, without a clock: equal objects cost one ``==``, never the field walk."""
    from kgen.diff import compare

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the field walk ran on equal objects")

    monkeypatch.setattr(compare, "_node", refuse)
    path = CORPUS / "argo-cd" / "manifests" / "namespace-install.yaml"
    text = path.read_text(encoding="utf-8")
    copy = emit(documents_of(text, "install.yaml"), random.Random(1), "block")
    assert not diff_texts({"install.yaml": text}, copy, DiffOptions()).changed
