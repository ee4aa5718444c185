"""`render -o DIR` interrupted in a real process: SIGINT and SIGTERM at random moments
leave DIR exactly as before or exactly as rendered, never a mixture and never
staging litter; SIGKILL, which no process can handle, never leaves a half-written
file (what it can leave is described in SECURITY.md, and checked here).

Each attempt renders 60 apps (240 files) over the previous render of the other
version; the signal is sent a random moment after the staging folder appears
(the write itself), or at a random moment of the whole run.
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

from tests.hardening.support import LONG, contents

APPS = 60
VERSIONS = ("1.0", "2.0")
ROUNDS = 5 if LONG else 1


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
        done = subprocess.run(command(folder, version), cwd=root, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
        references.append(contents(folder))
    assert references[0] != references[1] and len(references[0]) == 4 * APPS
    return root, references


def command(out: Path, version: str) -> list[str]:
    return [sys.executable, "-m", "kgen", "render", "apps", "-o", str(out), "--set", f"image=ghcr.io/acme/app:{version}"]


def entries(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def interrupt(root: Path, out: Path, version: str, sig: int, when: str, rng: random.Random) -> int:
    """Start a render of ``version`` into ``out`` and send ``sig``; return the exit status."""
    proc = subprocess.Popen(command(out, version), cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if when == "writing":  # a random moment once the staging folder exists: the write itself
        deadline = time.monotonic() + 60
        while proc.poll() is None and not any(n.startswith(STAGING_PREFIX) for n in entries(out)):
            assert time.monotonic() < deadline
            time.sleep(0.0005)
        time.sleep(rng.uniform(0, 0.08))
    else:  # a random moment of the whole run once Python has started (mostly while rendering)
        time.sleep(rng.uniform(0.25, 0.9))
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert b"Traceback" not in stderr, stderr.decode()
    return proc.returncode


def run_attempts(setup: tuple[Path, list[dict[str, bytes]]], lane: int, plan: list[tuple[int, str]]) -> list[str]:
    """One output folder, a series of interrupted renders alternating the version."""
    root, references = setup
    out = root / f"out-{lane}"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(root / f"reference-{VERSIONS[0]}", out)
    current = 0
    rng = random.Random(lane)
    outcomes = []
    for sig, when in plan:
        wanted = 1 - current
        code = interrupt(root, out, VERSIONS[wanted], sig, when, rng)
        state = contents(out)
        litter = sorted(n for n in entries(out) if n not in state)
        assert litter == [], f"left behind: {litter}"
        if state == references[current]:
            # interrupted: rolled back (SIGTERM before the write began kills as it always does)
            assert code == 130 or (sig == signal.SIGTERM and when == "anytime" and code == -sig), code
            outcomes.append("old")
        else:
            assert state == references[wanted], "a mixture of the old and the new render"
            assert code in (0, 130, -sig), f"new state, exit {code}"  # done, or interrupted right after
            outcomes.append("new")
            current = wanted
    return outcomes


def lanes(plan: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Two folders at once (two cores), half of the plan each."""
    return [plan[0::2], plan[1::2]]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_sigint_and_sigterm_leave_old_or_new_never_a_mixture(setup: tuple[Path, list[dict[str, bytes]]], sig: int) -> None:
    plan = [(sig, "writing")] * (4 * ROUNDS) + [(sig, "anytime")] * (2 * ROUNDS)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda lane: run_attempts(setup, lane[0], lane[1]), enumerate(lanes(plan))))
    outcomes = [o for lane in results for o in lane]
    assert len(outcomes) == len(plan)
    assert "old" in outcomes  # the signal did interrupt (the rest: it came after the commit)


def test_sigkill_never_leaves_a_half_written_file(setup: tuple[Path, list[dict[str, bytes]]]) -> None:
    """SIGKILL cannot be caught: a kill during the moves can leave some files old and
    some new, and the staging folder (holding the previous versions) behind - but every
    file in DIR is complete, and the next render puts DIR right."""
    root, references = setup
    out = root / "out-kill"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(root / f"reference-{VERSIONS[0]}", out)
    rng = random.Random(7)
    current = 0
    for attempt in range(3 * ROUNDS):
        wanted = 1 - current
        code = interrupt(root, out, VERSIONS[wanted], signal.SIGKILL, "writing", rng)
        state = contents(out)
        for name, data in state.items():  # every file whole: the old version or the new one
            assert data in (references[current].get(name), references[wanted].get(name)), name
        litter = [n for n in entries(out) if n not in state]
        assert all(n.startswith(STAGING_PREFIX) for n in litter), litter
        for name in litter:
            shutil.rmtree(out / name)
        if code != -signal.SIGKILL and state == references[wanted]:
            current = wanted
            continue
        # put it right, as a user would: render again
        done = subprocess.run(command(out, VERSIONS[wanted]), cwd=root, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert contents(out) == references[wanted] and entries(out) == set(references[wanted])
        current = wanted


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
