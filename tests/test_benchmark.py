"""The benchmark runs end to end on a tiny input (timings are never asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_benchmark_prints_every_figure(tmp_path: Path) -> None:
    table = tmp_path / "results.md"
    result = subprocess.run(
        [
            sys.executable, str(REPO / "benchmarks" / "run.py"),
            "--corpus", str(REPO / "fixtures" / "manifests"),
            "--runs", "1", "--big-docs", "12", "--profiles", "6",
            "--work", str(tmp_path / "work"), "--markdown", str(table),
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
        "× floor (target ≤ 1.5×)",
    ):
        assert figure in out
    assert out.startswith("machine: ")
    assert table.read_text().startswith("machine: ")
