"""The benchmark runs end to end on a tiny input (timings are never asserted here)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import REPO


def test_benchmark_prints_every_figure(tmp_path: Path) -> None:
    table = tmp_path / "results.md"
    result = subprocess.run(
        [
            sys.executable, str(REPO / "benchmarks" / "run.py"),
            "--corpus", str(REPO / "fixtures" / "manifests"),
            "--runs", "1", "--big-docs", "12", "--profiles", "6", "--dockerfiles", "8",
            "--work", str(tmp_path / "work"), "--markdown", str(table), "--baseline", str(REPO),
        ],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for figure in (
        "floor: PyYAML C loader reads every document",
        "kgen check corpus (default rules, schema validation)",
        "kgen check corpus --jobs 1",
        "kgen check one small file",
        "Checkov, corpus | – | – | – | – | skipped: run with --with-checkov",
        "kgen render 6 profiles",
        "kgen diff corpus vs shuffled copy",
        "profiles/s (target ≥ 200)",
        "× floor (target ≤ 0.5×; each run over the floor's in its round)",
        "| kgen check connected tree of 10 documents (30 % Services and NetworkPolicies, shared selectors) |",
        "| kgen check 8 Dockerfiles (every rule) |",
        "| hadolint 8 Dockerfiles |",
        "× kgen's time",
        "| pre-commit run over 1 changed files (kgen-check hook) |",
        "target < 0.5 s",
        "per document against the last tree",
        "| kgen check corpus --jobs 1, this tree reading every document anew |",
    ):
        assert figure in out
    assert out.startswith("machine: ")
    assert f"corpus: {REPO / 'fixtures' / 'manifests'} (given with --corpus; " in out
    assert table.read_text().startswith("machine: ")


def _benchmark_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kgen_benchmark_run", REPO / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_times_the_corpus_given_else_the_slice(tmp_path: Path) -> None:
    choose = _benchmark_module().choose_corpus
    carried, given = tmp_path / "slice", tmp_path / "mine"
    path, chosen = choose(None, carried)
    assert path == carried and chosen.startswith("the slice in the repository (pass the full corpus with --corpus")
    assert choose(given, carried) == (given, "given with --corpus")
