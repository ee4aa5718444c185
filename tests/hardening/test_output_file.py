"""``check -o FILE``: what is at FILE decides how it is written, and its mode is kept.

A regular file is replaced atomically and keeps its permission bits; a new one gets 0666
less the umask; a symbolic link is written through (the link stays); a device or FIFO is
written to, never replaced. An empty ``-o`` is a usage error on every command that has one.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from tests.hardening.support import run_kgen

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: b}\n"
TIMEOUT = 60


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "a.yaml").write_text(CONFIGMAP, encoding="utf-8")
    return tmp_path


def report(*extra: str, cwd: Path, umask: int = 0o022) -> object:
    run = run_kgen("check", "a.yaml", "--no-config", "-f", "json", *extra, cwd=cwd, timeout=TIMEOUT, preexec_fn=lambda: os.umask(umask))
    assert run.code == 0, run.stderr
    return run


def is_report(path: Path) -> bool:
    return json.loads(path.read_text(encoding="utf-8"))["summary"]["objects"] == 1


def test_a_new_report_gets_the_umask(work: Path) -> None:
    report("-o", "new.json", cwd=work, umask=0o027)
    assert stat.S_IMODE(os.stat(work / "new.json").st_mode) == 0o640 and is_report(work / "new.json")
    assert [name for name in os.listdir(work) if name.endswith(".tmp")] == []


def test_an_existing_report_keeps_its_mode(work: Path) -> None:
    (work / "private.json").write_text("old", encoding="utf-8")
    os.chmod(work / "private.json", 0o600)
    report("-o", "private.json", cwd=work, umask=0)
    assert stat.S_IMODE(os.stat(work / "private.json").st_mode) == 0o600 and is_report(work / "private.json")


def test_a_symbolic_link_is_written_through(work: Path) -> None:
    (work / "reports").mkdir()
    (work / "reports" / "kgen.json").write_text("old", encoding="utf-8")
    os.chmod(work / "reports" / "kgen.json", 0o640)
    (work / "latest.json").symlink_to("reports/kgen.json")
    (work / "dangling.json").symlink_to("reports/made.json")
    report("-o", "latest.json", cwd=work)
    report("-o", "dangling.json", cwd=work)
    assert os.readlink(work / "latest.json") == "reports/kgen.json"  # the link itself is left alone
    assert is_report(work / "reports" / "kgen.json")
    assert stat.S_IMODE(os.stat(work / "reports" / "kgen.json").st_mode) == 0o640
    assert os.readlink(work / "dangling.json") == "reports/made.json" and is_report(work / "reports" / "made.json")


def test_devices_are_written_to_not_replaced(work: Path) -> None:
    to_stdout = report("-o", "/dev/stdout", cwd=work)
    assert json.loads(to_stdout.out)["summary"]["objects"] == 1  # type: ignore[attr-defined]
    before = os.stat("/dev/null")
    report("-o", "/dev/null", cwd=work)
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_fifo_is_written_to(work: Path) -> None:
    os.mkfifo(work / "pipe")
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append((work / "pipe").read_bytes()))
    reader.start()
    report("-o", "pipe", cwd=work)
    reader.join(timeout=TIMEOUT)
    assert stat.S_ISFIFO(os.lstat(work / "pipe").st_mode)
    assert json.loads(received[0])["summary"]["objects"] == 1


def test_a_folder_or_an_empty_name_is_a_usage_error(work: Path) -> None:
    (work / "reports").mkdir()
    for target in ("", ".", "reports"):
        run = run_kgen("check", "a.yaml", "--no-config", "-o", target, cwd=work, timeout=TIMEOUT)
        assert run.code == 2 and "-o" in run.stderr and run.out == "", (target, run.stderr)
    assert sorted(os.listdir(work)) == ["a.yaml", "reports"] and os.listdir(work / "reports") == []


def test_render_and_init_refuse_an_empty_output(work: Path) -> None:
    (work / "p.yaml").write_text("name: p\ntype: web\nimage: ghcr.io/acme/p:1.0\n", encoding="utf-8")
    render = run_kgen("render", "p.yaml", "-o", "", cwd=work, timeout=TIMEOUT)
    assert (render.code, render.out) == (2, "") and "Error: -o names the output folder; an empty name is not one" in render.stderr
    init = run_kgen("init", "shop", "--type", "web", "-o", "", cwd=work, timeout=TIMEOUT)
    assert init.code == 2 and "Error: -o names the profile file; an empty name is not one" in init.stderr
    assert sorted(os.listdir(work)) == ["a.yaml", "p.yaml"]
