"""Flags that ask for too much are bounded: ``--jobs`` starts at most one worker per usable
core, and ``--set`` given thousands of times costs time linear in the flags."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kgen.check.engine import usable_cores

from tests.hardening.support import PauseAt, assert_bounded, run_kgen, start_paused, write_tree

POD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: m{0}}}\ndata: {{a: b}}\n"


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (read from /proc, whatever the kernel's build options)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry))
    return found


def test_jobs_beyond_the_cores_starts_one_worker_per_core(tmp_path: Path) -> None:
    write_tree(tmp_path, 100, 50, POD.format)
    # paused once the workers are running, before any file is sent to them
    proc = start_paused(["check", ".", "--no-config", "--jobs", "100000"], PauseAt("kgen.check.parallel", "_chunks"), cwd=tmp_path)
    try:
        workers = _children(proc.pid)
    finally:
        _, stderr = proc.communicate(input=b"go\n", timeout=120)
    assert proc.returncode == 0, stderr.decode(errors="replace")
    assert 1 <= len(workers) <= usable_cores(), workers


def test_jobs_beyond_the_cores_is_cheap(tmp_path: Path) -> None:
    write_tree(tmp_path, 100, 50, POD.format)
    run = run_kgen("check", ".", "--no-config", "--jobs", "100000", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "no problems found in 100 objects" in run.out
    assert_bounded(run, "check", cpu=10, mib=100)


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_below_one_is_a_usage_error(tmp_path: Path, jobs: str) -> None:
    (tmp_path / "m.yaml").write_text(POD.format(1), encoding="utf-8")
    run = run_kgen("check", "m.yaml", "--no-config", "--jobs", jobs, cwd=tmp_path)
    assert run.code == 2
    assert "--jobs" in run.stderr and "Traceback" not in run.stderr


def test_16000_set_flags_cost_linear_time(tmp_path: Path) -> None:
    """Each flag used to copy the whole profile (16,000 flags: 37 s); now they are applied to one copy."""
    (tmp_path / "p.yaml").write_text("name: base\ntype: web\nimage: ghcr.io/acme/base:1.0\n", encoding="utf-8")
    flags = [part for index in range(16_000) for part in ("--set", f"env.K{index}=v{index}")]
    run = run_kgen("render", "p.yaml", *flags, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "- name: K15999\n" in run.out and "value: v15999\n" in run.out
    assert_bounded(run, "render", cpu=10, mib=200)


def test_many_set_flags_are_located_by_the_last_that_set_a_field(tmp_path: Path) -> None:
    """With thousands of flags a problem still names the last flag that set the field."""
    (tmp_path / "p.yaml").write_text("name: base\ntype: web\nimage: ghcr.io/acme/base:1.0\n", encoding="utf-8")
    flags = [part for index in range(5_000) for part in ("--set", f"env.K{index}=v{index}")]
    flags += ["--set", "replicas.min=2", "--set", "replicas.min=many"]
    run = run_kgen("render", "p.yaml", *flags, cwd=tmp_path)
    assert run.code == 2
    assert "--set replicas.min" in run.stderr, run.stderr
    assert_bounded(run, "render", cpu=10, mib=200)


def test_a_paused_kgen_can_be_counted() -> None:
    """The worker count above reads /proc: a process this test starts is seen as a child."""
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert child.pid in _children(os.getpid())
    finally:
        child.kill()
        child.wait()
