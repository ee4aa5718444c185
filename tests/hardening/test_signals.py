"""Ctrl-C and SIGTERM stop kgen at once, with one line and nothing left behind.

A parallel ``kgen check`` is started in a session of its own over a tree of 3,000 small
manifests (as a terminal starts it: its own process group), and signalled once its
workers exist, at several moments: to the whole group (Ctrl-C, or a CI runner cancelling
a job) and to kgen alone (``timeout``, ``kill``). Each time: exit 130 for SIGINT and 143
for SIGTERM, exactly one line on stderr, and no process of the group left - not a worker,
not a zombie. The tree is large enough that the check is still running when the signal
comes (it takes tens of seconds of CPU; the signals come within a second of the workers
starting), and a hang is caught by the wait's timeout, never by measuring wall time.

``kgen diff`` and a single-process ``kgen check`` are stopped at a known moment instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.support import PauseAt, signal_paused, start_paused, write_tree

FILES = 3000
#: Seconds from the workers' appearance to the signal: at once (they may still be starting), soon, later.
MOMENTS = [0.0, 0.05, 0.25, 0.6]
STOPPED = {signal.SIGINT: (130, "kgen: interrupted\n"), signal.SIGTERM: (143, "kgen: terminated\n")}
HANG = 60  # seconds: far beyond any stop; only a hang reaches it

# kgen with the signal dispositions a terminal gives (a child of a background job inherits
# an ignored SIGINT, and Python then never raises KeyboardInterrupt).
_AS_FROM_A_TERMINAL = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
sys.argv = ["kgen", *sys.argv[1:]]
from kgen.cli import main
main()
"""


def deployment(index: int) -> str:
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w{index}, namespace: shop}}\n"
        f"spec:\n  replicas: 1\n  selector: {{matchLabels: {{app: w{index}}}}}\n"
        f"  template:\n    metadata: {{labels: {{app: w{index}}}}}\n"
        f"    spec:\n      containers:\n      - {{name: c, image: 'nginx:latest'}}\n"
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("signals")
    write_tree(root, FILES, 100, deployment)
    return root


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    group: int
    state: str  # Z: a zombie


def processes() -> list[Process]:
    """Every process on the machine, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                stat = handle.read()
        except OSError:  # ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        found.append(Process(int(entry), int(fields[1]), int(fields[2]), fields[0]))
    return found


def in_group(group: int) -> list[Process]:
    return [p for p in processes() if p.group == group]


def start_check(tree: Path, stderr: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", _AS_FROM_A_TERMINAL, "check", str(tree), "-j", "2", "--no-config"],
        cwd=tree, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
    )


def wait_for_workers(proc: subprocess.Popen[bytes], count: int = 2) -> list[int]:
    deadline = time.monotonic() + HANG
    while True:
        workers = [p.pid for p in processes() if p.parent == proc.pid]
        if len(workers) >= count:
            return workers
        assert proc.poll() is None, f"kgen ended (exit {proc.returncode}) before its workers started"
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.005)


def stopped(tree: Path, sig: int, moment: float, whole_group: bool) -> tuple[int, str, list[Process]]:
    """Start the check, signal it ``moment`` seconds after its workers appear; its exit status,
    stderr, and what is left of its process group once it has exited."""
    with tempfile.TemporaryFile() as err:
        proc = start_check(tree, err)
        try:
            wait_for_workers(proc)
            time.sleep(moment)
            if whole_group:
                os.killpg(proc.pid, sig)
            else:
                os.kill(proc.pid, sig)
            code = proc.wait(timeout=HANG)
            left = in_group(proc.pid)
        finally:
            if proc.poll() is None or in_group(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        err.seek(0)
        return code, err.read().decode("utf-8", errors="replace"), left


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_to_the_process_group_stops_check_and_its_workers(tree: Path, sig: int, moment: float) -> None:
    code, stderr, left = stopped(tree, sig, moment, whole_group=True)
    assert (code, stderr) == STOPPED[sig]  # no worker traceback, no BrokenPipeError, one line
    assert left == [], "workers (or their zombies) outlived kgen"


@pytest.mark.parametrize("moment", [0.0, 0.25])
def test_sigterm_to_kgen_alone_stops_its_workers_too(tree: Path, moment: float) -> None:
    """As `timeout` or `kill PID` send it: the workers hear nothing; kgen stops them."""
    code, stderr, left = stopped(tree, signal.SIGTERM, moment, whole_group=False)
    assert (code, stderr) == STOPPED[signal.SIGTERM]
    assert left == []


def test_sigint_to_kgen_alone_stops_its_workers_too(tree: Path) -> None:
    code, stderr, left = stopped(tree, signal.SIGINT, 0.1, whole_group=False)
    assert (code, stderr) == STOPPED[signal.SIGINT]
    assert left == []


def test_a_killed_worker_is_reported_not_waited_for(tree: Path) -> None:
    """A worker killed from outside (the kernel's out-of-memory killer sends SIGKILL): kgen
    stops the others and says what happened (exit 2), instead of waiting for its results forever."""
    with tempfile.TemporaryFile() as err:
        proc = start_check(tree, err)
        try:
            victim, *_ = wait_for_workers(proc)
            time.sleep(0.1)
            os.kill(victim, signal.SIGKILL)
            code = proc.wait(timeout=HANG)
            left = in_group(proc.pid)
        finally:
            if proc.poll() is None or in_group(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    assert (code, stderr) == (
        2, "kgen: a worker process was killed (SIGKILL: most likely out of memory); run with fewer --jobs, or --jobs 1\n"
    )
    assert left == []


# --- stopped at a known moment ------------------------------------------------------


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("diff-sides")
    for side, image in (("old", "nginx:1.0"), ("new", "nginx:2.0")):
        (root / side).mkdir()
        for index in range(3):
            (root / side / f"w{index}.yaml").write_text(deployment(index).replace("nginx:latest", image), encoding="utf-8")
    return root


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_diff_with_one_line(sides: Path, sig: int) -> None:
    proc = start_paused(["diff", "old", "new"], PauseAt("kgen.diff.api", "read_side", nth=2), cwd=sides)
    assert signal_paused(proc, sig, timeout=HANG) == STOPPED[sig]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_a_single_process_check_with_one_line(sides: Path, sig: int) -> None:
    proc = start_paused(["check", "new", "-j", "1", "--no-config"], PauseAt("kgen.check.engine", "read_text", nth=2), cwd=sides)
    assert signal_paused(proc, sig, timeout=HANG) == STOPPED[sig]
