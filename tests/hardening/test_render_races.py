"""``render -o DIR`` against whatever else writes DIR meanwhile.

Renders run as real processes, paused at a chosen call (tests/hardening/support.py's
PauseAt) so that the other writer acts at a known moment, never by racing: a second render
into a locked folder fails at once; a file that appears, or replaces a kgen file, after the
plan is never overwritten and the render is undone; a failed render into a new nested folder
removes the folders it made.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kgen.render.writer import STAGING_PREFIX

from tests.hardening.support import PauseAt, contents, run_kgen, signal_paused, start_paused

TIMEOUT = 60
PLANNED = PauseAt("kgen.render.writer", "_write_new")  # planned, locked, staging the first file
MOVING = PauseAt("kgen.render.writer", "_move")  # the first move into place


@pytest.fixture
def apps(tmp_path: Path) -> Path:
    """Two profile folders whose apps render the same file names (app ``shop`` in both)."""
    for team, image in (("one", "ghcr.io/one/shop:1.0"), ("two", "ghcr.io/two/shop:2.0")):
        (tmp_path / team).mkdir()
        (tmp_path / team / "shop.yaml").write_text(f"name: shop\ntype: web\nimage: {image}\n", encoding="utf-8")
    return tmp_path


def render(folder: str, out: str, cwd: Path, *extra: str) -> list[str]:
    return ["render", folder, "-o", out, *extra]


def resume(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    _, stderr = proc.communicate(input=b"go\n", timeout=TIMEOUT)
    return proc.returncode, stderr.decode("utf-8", errors="replace")


def reference(apps: Path, team: str) -> dict[str, bytes]:
    out = apps / f"reference-{team}"
    done = run_kgen(*render(team, str(out), apps), cwd=apps, timeout=TIMEOUT)
    assert done.code == 0, done.stderr
    return contents(out)


def test_a_second_render_into_a_folder_being_written_fails_at_once(apps: Path) -> None:
    first = start_paused(render("one", "k8s", apps), MOVING, cwd=apps)
    try:
        second = run_kgen(*render("two", "k8s", apps), cwd=apps, timeout=TIMEOUT)
    finally:
        code, stderr = resume(first)
    assert (second.code, second.stderr) == (
        2, "kgen: another kgen render is writing k8s right now; run this one again once it has finished\n"
    )
    assert code == 0, stderr
    assert contents(apps / "k8s") == reference(apps, "one")
    again = run_kgen(*render("two", "k8s", apps), cwd=apps, timeout=TIMEOUT)  # once it is done: a render like any
    assert again.code == 0, again.stderr
    assert contents(apps / "k8s") == reference(apps, "two")


def test_a_file_that_appears_after_the_plan_is_never_overwritten(apps: Path) -> None:
    names = sorted(reference(apps, "one"))
    (apps / "k8s").mkdir()
    proc = start_paused(render("one", "k8s", apps), PLANNED, cwd=apps)
    foreign = apps / "k8s" / names[-1]
    foreign.write_text("# the user's own file\n", encoding="utf-8")
    code, stderr = resume(proc)
    assert code == 2
    assert stderr == (
        f"kgen: k8s/{names[-1]} appeared while kgen was rendering; kgen never overwrites it, "
        "and nothing was changed. Run the render again\n"
    )
    assert contents(apps / "k8s") == {names[-1]: b"# the user's own file\n"}  # nor anything else left
    assert not [n for n in os.listdir(apps / "k8s") if n.startswith(STAGING_PREFIX)]


def test_a_kgen_file_replaced_after_the_plan_is_put_back_untouched(apps: Path) -> None:
    old = reference(apps, "one")
    (apps / "one" / "shop.yaml").write_text("name: shop\ntype: web\nimage: ghcr.io/one/shop:1.1\n", encoding="utf-8")
    out = apps / "reference-one"
    proc = start_paused(render("one", str(out), apps), PLANNED, cwd=apps)
    victim = sorted(old)[0]
    (out / victim).unlink()
    (out / victim).write_text("# not kgen's any more\n", encoding="utf-8")
    code, stderr = resume(proc)
    assert code == 2
    assert stderr.endswith(f"{victim} was replaced by a file kgen did not write while kgen was rendering; "
                           "kgen never overwrites it, and nothing was changed. Run the render again\n")
    assert contents(out) == {**old, victim: b"# not kgen's any more\n"}


def test_a_failed_render_removes_the_folders_it_created(apps: Path) -> None:
    proc = start_paused(render("one", "new/deep/k8s", apps), PLANNED, cwd=apps)
    code, stderr = signal_paused(proc, signal.SIGINT)
    assert (code, stderr) == (130, "kgen: interrupted\n")
    assert not (apps / "new").exists()
    (apps / "kept").mkdir()
    proc = start_paused(render("one", "kept/deep/k8s", apps), PLANNED, cwd=apps)
    code, _ = signal_paused(proc, signal.SIGINT)
    assert code == 130 and os.listdir(apps / "kept") == []  # what existed stays, what it made is gone


def test_an_output_folder_that_is_a_link_is_written_through(apps: Path) -> None:
    """Promised in SECURITY.md: the folder named with -o is the user's choice, wherever it leads."""
    (apps / "elsewhere").mkdir()
    (apps / "k8s").symlink_to(apps / "elsewhere")
    done = run_kgen(*render("one", "k8s/", apps), cwd=apps, timeout=TIMEOUT)
    assert done.code == 0, done.stderr
    assert os.path.islink(apps / "k8s") and contents(apps / "elsewhere") == reference(apps, "one")


def test_the_renames_never_replace(tmp_path: Path) -> None:
    """The move itself: a destination that exists is an error, whichever way the platform renames."""
    script = (
        "import sys; from pathlib import Path; from kgen.render import writer\n"
        "a, b = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "try:\n    writer._move(a, b)\nexcept FileExistsError:\n    print('refused')\n"
    )
    (tmp_path / "a").write_text("new", encoding="utf-8")
    (tmp_path / "b").write_text("theirs", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "a"), str(tmp_path / "b")], capture_output=True, text=True, timeout=TIMEOUT)
    assert (done.stdout, done.stderr) == ("refused\n", "")
    assert (tmp_path / "b").read_text(encoding="utf-8") == "theirs" and (tmp_path / "a").exists()
