"""`render -o DIR` interrupted in a real process: SIGINT and SIGTERM leave DIR exactly
as before or exactly as rendered, never a mixture and never staging litter; SIGKILL,
which no process can handle, never leaves a half-written file (what it can leave is
described in SECURITY.md, and checked here).

Each render writes 8 apps (32 files) over the previous render of the other version.
The quick tests stop the child at a known moment (before the write, while staging,
during the moves) and signal it there, so they hold however busy the machine is; with
``--long``, signals also land at random moments, where only the outcome is judged.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kgen.render.writer import STAGING_PREFIX

from tests.hardening.support import PauseAt, contents, signal_paused, start_paused

APPS = 8
VERSIONS = ("1.0", "2.0")
FILES = 5 * APPS  # every file of every app changes between the versions (PDB, Service, Deployment, HPA, ServiceAccount)
BEFORE_WRITING = PauseAt("kgen.render.writer", "_check_name")
STAGING = PauseAt("kgen.render.writer", "_write_new", nth=APPS)  # some of the new files staged
MOVING_OUT = PauseAt("kgen.render.writer", "_move", nth=APPS)  # old files half moved aside
MOVING_IN = PauseAt("kgen.render.writer", "_move", nth=FILES + APPS)  # new files half moved in
SIGNALS = pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
#: What kgen says and exits with when a signal stops it (README, exit codes).
STOPPED = {signal.SIGINT: (130, "kgen: interrupted\n"), signal.SIGTERM: (143, "kgen: terminated\n")}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, bytes]]]:
    """The profile folder and the reference output of each version."""
    root = tmp_path_factory.mktemp("interrupt")
    (root / "apps").mkdir()
    for index in range(APPS):
        (root / "apps" / f"app{index:03d}.yaml").write_text(
            f"name: app{index:03d}\ntype: web\nimage: ghcr.io/acme/app{index}:1.0\nnamespace: shop\n", encoding="utf-8"
        )
    references = []
    for version in VERSIONS:
        folder = root / f"reference-{version}"
        done = subprocess.run([sys.executable, "-m", "kgen", *render_args(folder, version)], cwd=root, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
        references.append(contents(folder))
    assert len(references[0]) == len(references[1]) == FILES
    assert all(references[0][name] != references[1][name] for name in references[0])
    return root, references


def render_args(out: Path, version: str) -> list[str]:
    return ["render", "apps", "-o", str(out), "--set", f"image=ghcr.io/acme/app:{version}"]


def entries(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def fresh_output(setup: tuple[Path, list[dict[str, bytes]]], name: str) -> Path:
    """An output folder holding the render of the first version."""
    root, _ = setup
    out = root / name
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(root / f"reference-{VERSIONS[0]}", out)
    return out


def interrupted_at(setup: tuple[Path, list[dict[str, bytes]]], at: PauseAt, sig: int) -> tuple[Path, int, str]:
    """Render the second version over the first, stopped at ``at`` and sent ``sig`` there."""
    root, _ = setup
    out = fresh_output(setup, f"out-{at.name}-{at.nth}-{sig}")
    proc = start_paused(render_args(out, VERSIONS[1]), at, cwd=root)
    code, stderr = signal_paused(proc, sig)
    return out, code, stderr


@SIGNALS
def test_a_signal_before_the_write_leaves_the_folder_as_it_was(setup: tuple[Path, list[dict[str, bytes]]], sig: int) -> None:
    out, code, stderr = interrupted_at(setup, BEFORE_WRITING, sig)
    assert contents(out) == setup[1][0] and entries(out) == set(setup[1][0])
    assert (code, stderr) == STOPPED[sig]


@SIGNALS
def test_a_signal_while_staging_leaves_the_folder_as_it_was(setup: tuple[Path, list[dict[str, bytes]]], sig: int) -> None:
    out, code, stderr = interrupted_at(setup, STAGING, sig)
    assert (code, stderr) == STOPPED[sig]
    assert contents(out) == setup[1][0]
    assert entries(out) == set(setup[1][0]), "the staging folder is removed"


@SIGNALS
@pytest.mark.parametrize("at", [MOVING_OUT, MOVING_IN], ids=["moving-out", "moving-in"])
def test_a_signal_during_the_moves_waits_until_they_are_done(
    setup: tuple[Path, list[dict[str, bytes]]], at: PauseAt, sig: int
) -> None:
    out, code, stderr = interrupted_at(setup, at, sig)
    assert (code, stderr) == STOPPED[sig]
    assert contents(out) == setup[1][1]
    assert entries(out) == set(setup[1][1]), "the staging folder is removed"


@pytest.mark.parametrize("at", [MOVING_OUT, MOVING_IN], ids=["moving-out", "moving-in"])
def test_sigkill_never_leaves_a_half_written_file(setup: tuple[Path, list[dict[str, bytes]]], at: PauseAt) -> None:
    """SIGKILL cannot be caught: a kill during the moves can leave some files old, some
    new and some only in the staging folder (which holds the previous versions) - but
    every file in DIR is complete, and the next render puts DIR right."""
    root, references = setup
    out, code, _ = interrupted_at(setup, at, signal.SIGKILL)
    assert code == -signal.SIGKILL
    state = contents(out)
    for name, data in state.items():  # every file whole: the old version or the new one
        assert data in (references[0][name], references[1][name]), name
    assert len(state) < FILES, "killed part-way through the moves"
    (litter,) = [n for n in entries(out) if n not in state]
    assert litter.startswith(STAGING_PREFIX)
    shutil.rmtree(out / litter)
    done = subprocess.run([sys.executable, "-m", "kgen", *render_args(out, VERSIONS[1])], cwd=root, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert contents(out) == references[1] and entries(out) == set(references[1])


# --- with --long: signals at random moments -------------------------------------------

# kgen with the signal dispositions of a terminal (see tests/hardening/support.py),
# reporting "ready" once Python and kgen are loaded: a signal before that would test the
# interpreter's start-up, not kgen.
_AS_FROM_A_TERMINAL = """
import signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
from kgen.cli import main
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
print("ready", flush=True)
sys.argv = ["kgen", *sys.argv[1:]]
main()
"""


def interrupt_at_random(root: Path, out: Path, version: str, sig: int, rng: random.Random) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-c", _AS_FROM_A_TERMINAL, *render_args(out, version)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"ready\n"
    if rng.random() < 0.5:  # soon after the staging folder appears, if it is seen in time
        deadline = time.monotonic() + 60
        while proc.poll() is None and not any(n.startswith(STAGING_PREFIX) for n in entries(out)):
            assert time.monotonic() < deadline, "render hung"
            time.sleep(0.0005)
        time.sleep(rng.uniform(0, 0.05))
    else:  # any moment of the run
        time.sleep(rng.uniform(0, 0.5))
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    assert b"Traceback" not in stderr, stderr.decode()
    return proc.returncode


@pytest.mark.long
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_signals_at_random_moments_leave_old_or_new(setup: tuple[Path, list[dict[str, bytes]]], sig: int) -> None:
    """Whenever the signal lands: DIR holds the old render or the new one (SIGKILL: every
    file whole, put right by the next render), and the exit status says which."""
    root, references = setup

    def lane(number: int) -> None:
        out = fresh_output(setup, f"random-{sig}-{number}")
        rng = random.Random(number)
        current = 0
        for _ in range(6):
            wanted = 1 - current
            code = interrupt_at_random(root, out, VERSIONS[wanted], sig, rng)
            state = contents(out)
            if sig == signal.SIGKILL:
                assert all(data in (references[0][n], references[1][n]) for n, data in state.items())
                for name in entries(out) - set(state):
                    assert name.startswith(STAGING_PREFIX)
                    shutil.rmtree(out / name)
                done = subprocess.run([sys.executable, "-m", "kgen", *render_args(out, VERSIONS[wanted])], cwd=root, capture_output=True, timeout=120)
                assert done.returncode == 0, done.stderr
                state = contents(out)
            assert entries(out) == set(state), "staging litter"
            assert code in (0, 130, 143, -sig), code
            if state == references[wanted]:
                current = wanted
            else:
                assert state == references[current], "a mixture of the old and the new render"
                assert code != 0

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lane, range(2)))


def test_an_exception_in_the_middle_leaves_the_folder_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: every possible moment of the commit fails once; each time, rolled back."""
    import kgen.render.writer as writer
    from kgen.render.api import render_text

    monkeypatch.chdir(tmp_path)
    first = render_text("name: web\ntype: web\nimage: a/web:1.0\n---\nname: api\ntype: web\nimage: a/api:1.0\n")
    second = render_text("name: web\ntype: web\nimage: a/web:2.0\nautoscale: false\n---\nname: api\ntype: web\nimage: a/api:1.0\n")
    writer.write_output_dir(first, "out")
    before = contents(tmp_path / "out")
    real_move = writer._move
    moves = 0

    def count(source: Path, destination: Path) -> None:
        nonlocal moves
        moves += 1
        real_move(source, destination)

    monkeypatch.setattr(writer, "_move", count)
    writer.write_output_dir(second, "probe")  # into an empty folder: just to count
    shutil.rmtree("probe")
    moves = 0
    writer.write_output_dir(second, "out")
    total, moves = moves, 0
    writer.write_output_dir(first, "out")
    assert contents(tmp_path / "out") == before and total > 3
    for fail_at in range(1, total + 1):
        calls = 0

        def failing(source: Path, destination: Path) -> None:
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise KeyboardInterrupt  # as a signal would, at any move
            real_move(source, destination)

        monkeypatch.setattr(writer, "_move", failing)
        with pytest.raises(KeyboardInterrupt):
            writer.write_output_dir(second, "out")
        assert contents(tmp_path / "out") == before, f"failing at move {fail_at}"
        assert entries(tmp_path / "out") == set(before)
