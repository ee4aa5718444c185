"""A folder of very many small files: checked as a stream, with progress on a
terminal, in memory that does not grow with the tree (beyond the cross-object
index: a few hundred bytes per object).

The default run compares 2,000 with 8,000 files (16 MB of YAML, some 80 MB once
parsed: holding the parsed documents would break the bound); `pytest --long` (or
KGEN_LONG=1) compares 2,000, 20,000 and 100,000, where holding even the texts would.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest

from kgen.check.engine import CheckOptions, run_check

from tests.hardening.support import LONG, MIB, REPO, run_kgen

KEYS = 48  # a ~2 KiB ConfigMap: big enough that holding the tree would show


def config_map(index: int) -> str:
    data = "".join(f"  key{k:02d}: value-{index}-{k}-{'x' * 20}\n" for k in range(KEYS))
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{index}\n  namespace: team-{index % 7}\ndata:\n{data}"


class Tree:
    """One flat folder, grown on demand (files are only ever added)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def grow(self, count: int) -> Path:
        for index in range(self.count, count):
            (self.folder / f"f{index:06d}.yaml").write_text(config_map(index), encoding="utf-8")
        self.count = max(self.count, count)
        return self.folder


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return Tree(tmp_path_factory.mktemp("many"))


def check_tree(folder: Path, jobs: str) -> tuple[float, dict[str, int]]:
    run = run_kgen("check", str(folder), "--no-config", "-f", "json", "-j", jobs, cwd=folder, timeout=300)
    assert run.code == 0, run.stderr
    return run.peak_mib, json.loads(run.stdout)["summary"]


SIZES = (2_000, 20_000, 100_000) if LONG else (2_000, 8_000)


def test_memory_does_not_grow_with_the_tree(tree: Tree) -> None:
    """Peak RSS grows by under 1 KiB per file (each file: 2 KiB of YAML, ~10 KiB parsed)
    plus a fixed 8 MiB; what stays per object is its key in the cross-object index."""
    peaks: dict[int, float] = {}
    for count in SIZES:
        peaks[count], summary = check_tree(tree.grow(count), "2")
        assert (summary["files"], summary["objects"]) == (count, count)
    text = sum(p.stat().st_size for p in tree.folder.iterdir())
    assert text > SIZES[-1] * 2_000  # 2 KB a file
    smallest = SIZES[0]
    for count in SIZES[1:]:
        bound = 8 + (count - smallest) / 1024
        assert peaks[count] - peaks[smallest] < bound, f"{peaks} (bound +{bound:.0f} MiB at {count})"


SMALL = 1_000  # files: enough for a progress line and a per-object memory figure


@pytest.fixture(scope="module")
def small_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Tree(tmp_path_factory.mktemp("small")).grow(SMALL)


def test_python_memory_kept_per_object_is_only_the_index(small_tree: Path) -> None:
    """The same in-process with tracemalloc: the peak grows by the index, ~0.3 KiB an object."""
    files = sorted(small_tree.iterdir())
    # first fill the loader's (bounded, 50,000-entry) cache of scalar tags, as any large run does
    run_check(CheckOptions(paths=(str(small_tree),), discover_config=False, jobs=1, collect_objects=False))
    peaks = {}
    for count in (200, SMALL):
        tracemalloc.start()
        result = run_check(
            CheckOptions(paths=tuple(map(str, files[:count])), discover_config=False, jobs=1, collect_objects=False)
        )
        peaks[count] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert result.summary.objects == count
    per_object = (peaks[SMALL] - peaks[200]) / (SMALL - 200)
    assert per_object < 512, f"{per_object:.0f} bytes per object"


def test_progress_on_a_terminal(small_tree: Path) -> None:
    """A files-checked counter on stderr when it is a terminal; stdout stays clean."""
    leader, follower = pty.openpty()
    with tempfile.TemporaryFile() as stdout:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kgen", "check", str(small_tree), "--no-config", "-f", "json", "-j", "2"],
            cwd=REPO, stdout=stdout, stderr=follower, stdin=subprocess.DEVNULL,
        )
        os.close(follower)
        seen = b""
        try:
            while True:  # read the terminal until the process closes it (EIO)
                if not select.select([leader], [], [], 60)[0]:
                    break
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
        finally:
            os.close(leader)
        assert proc.wait(timeout=60) == 0
        stdout.seek(0)
        report = json.loads(stdout.read())
    assert b"\rkgen: checked " in seen and b" files" in seen
    assert seen.endswith(b"\r\x1b[K")  # the counter is wiped before the report
    assert report["summary"]["files"] == SMALL


def test_no_progress_when_stderr_is_not_a_terminal(small_tree: Path) -> None:
    run = run_kgen("check", str(small_tree), "--no-config", "-f", "json", "-j", "2", cwd=small_tree)
    assert run.code == 0 and run.stderr == ""
