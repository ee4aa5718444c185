"""Bad input and a hostile environment: a clear message, the documented exit code,
never a traceback, and the output folder exactly as it was.

Each run is bounded (CPU seconds and traced memory, see support.invoke). File
permissions are made real for root by dropping the capabilities that ignore them
(support.permission_binding); where even that is impossible the error is
simulated in-process, so no test is ever skipped.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

import kgen.check.engine as engine
import kgen.load.discover as discover
import kgen.render.writer as writer
from kgen.errors import OutputError
from kgen.render.writer import STAGING_PREFIX, write_output_dir

from tests.hardening.support import invoke, permission_binding, run_kgen, snapshot

MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  key: value\n"
PROFILE = "name: {name}\ntype: web\nimage: ghcr.io/acme/{name}:1.0\nnamespace: shop\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(outcome: Any) -> list[tuple[str, str]]:
    import json

    return [(f["file"], f["message"]) for f in json.loads(outcome.stdout)["findings"]]


# --- files that are not text ------------------------------------------------------


BAD_BYTES = {
    "binary.yaml": (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "binary file (contains NUL bytes), not YAML"),
    "latin1.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n".encode("latin-1"), "not UTF-8 text (byte 0xe9)"),
    "utf16-bad.yaml": (b"\xff\xfe" + b"a\x00b", "not valid UTF-16 text"),
}


@pytest.mark.parametrize("name", sorted(BAD_BYTES))
def test_files_that_are_not_text(work: Path, name: str) -> None:
    data, message = BAD_BYTES[name]
    Path(name).write_bytes(data)
    Path("good.yaml").write_text(MANIFEST.format(name="good"), encoding="utf-8")
    check = invoke("check", name, "good.yaml", "--no-config", "-f", "json", "-j", "1", cpu=2)
    assert check.code == 1
    ((file, text),) = findings(check)
    assert file == name and text.startswith(message)  # and good.yaml was still checked, cleanly
    diff = invoke("diff", name, "good.yaml", cpu=2)
    assert diff.code == 2 and message in diff.stderr
    render = invoke("render", name, cpu=2)
    assert render.code == 2 and message in render.stderr


def test_control_characters_are_located_on_one_line(work: Path) -> None:
    Path("ctrl.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\u00e9\x01}\n", encoding="utf-8")
    message = "not valid YAML: unacceptable character #x0001: control characters are not allowed"
    check = invoke("check", "ctrl.yaml", "--no-config", "-f", "json", "-j", "1", cpu=2)
    assert findings(check) == [("ctrl.yaml", message)]
    import json

    assert (json.loads(check.stdout)["findings"][0]["line"], json.loads(check.stdout)["findings"][0]["column"]) == (3, 22)
    diff = invoke("diff", "ctrl.yaml", "ctrl.yaml", cpu=2)
    assert (diff.code, diff.stderr) == (2, f"kgen: ctrl.yaml:3:22: {message}\n")


def test_utf16_with_a_bom_is_read(work: Path) -> None:
    Path("u16.yaml").write_bytes(MANIFEST.format(name="wide").encode("utf-16"))
    check = invoke("check", "u16.yaml", "--no-config", "-f", "json", "-j", "1", cpu=2)
    assert check.code == 0 and findings(check) == []


# --- unreadable files and folders -------------------------------------------------


def test_unreadable_file_for_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 in a real process (as root: without CAP_DAC_OVERRIDE)."""
    binds, preexec = permission_binding()
    if not binds:  # a root without CAP_SETPCAP: simulate, never skip
        monkeypatch.chdir(tmp_path)
        return test_unreadable_file_simulated(tmp_path, monkeypatch)
    secret = tmp_path / "secret.yaml"
    secret.write_text(MANIFEST.format(name="secret"), encoding="utf-8")
    (tmp_path / "open.yaml").write_text(MANIFEST.format(name="open"), encoding="utf-8")
    secret.chmod(0)
    try:
        check = run_kgen("check", ".", "--no-config", "-f", "json", "-j", "1", cwd=tmp_path, preexec_fn=preexec)
        diff = run_kgen("diff", "open.yaml", "secret.yaml", cwd=tmp_path, preexec_fn=preexec)
        render = run_kgen("render", "secret.yaml", cwd=tmp_path, preexec_fn=preexec)
    finally:
        secret.chmod(0o644)
    assert check.code == 1, check.stderr
    assert findings(check) == [("secret.yaml", "cannot read: permission denied")]
    assert (diff.code, diff.stderr) == (2, "kgen: secret.yaml: cannot read: permission denied\n")
    assert (render.code, render.stderr) == (2, "kgen: secret.yaml: cannot read: permission denied\n")


def test_unreadable_file_simulated(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("secret.yaml").write_text(MANIFEST.format(name="secret"), encoding="utf-8")
    Path("open.yaml").write_text(MANIFEST.format(name="open"), encoding="utf-8")
    real_read = discover.read_regular

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("secret.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_read(file, *args, **kwargs)

    monkeypatch.setattr(discover, "read_regular", guarded)
    check = invoke("check", ".", "--no-config", "-f", "json", "-j", "1", cpu=2)
    assert check.code == 1
    assert findings(check) == [("secret.yaml", "cannot read: permission denied")]
    diff = invoke("diff", "open.yaml", "secret.yaml", cpu=2)
    assert (diff.code, diff.stderr) == (2, "kgen: secret.yaml: cannot read: permission denied\n")


def test_unlistable_folder(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("k8s/locked").mkdir(parents=True)
    Path("k8s/a.yaml").write_text(PROFILE.format(name="a"), encoding="utf-8")
    real_scandir = os.scandir

    def guarded(path: Any = ".") -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(discover.os, "scandir", guarded)
    for args in (("check", "k8s", "--no-config", "-j", "1"), ("diff", "k8s", "k8s"), ("render", "k8s")):
        outcome = invoke(*args, cpu=2)
        assert (outcome.code, outcome.stderr) == (2, "kgen: cannot list k8s/locked: Permission denied\n")


# --- walks that could loop or lose their footing ----------------------------------


def test_directory_symlink_loops(work: Path) -> None:
    Path("tree/apps/deeper").mkdir(parents=True)
    Path("tree/apps/web.yaml").write_text(PROFILE.format(name="web"), encoding="utf-8")
    Path("tree/apps/deeper/m.yaml").write_text(MANIFEST.format(name="m"), encoding="utf-8")
    os.symlink("..", "tree/apps/deeper/up")  # a loop through the parent
    os.symlink(".", "tree/apps/self")  # a folder that contains itself
    os.symlink("../../tree", "tree/apps/deeper/root")
    check = invoke("check", "tree", "--no-config", "-f", "json", "-j", "1", cpu=2)
    assert check.code == 0
    import json

    assert json.loads(check.stdout)["summary"]["files"] == 2  # each file once
    diff = invoke("diff", "tree", "tree", cpu=2)
    assert diff.code == 0
    render = invoke("render", "tree/apps", cpu=3)
    assert render.code == 2 and "this is a Kubernetes manifest" in render.stderr  # m.yaml, found once


def test_a_file_that_vanishes_during_the_walk(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(6):
        Path(f"f{index}.yaml").write_text(MANIFEST.format(name=f"c{index}"), encoding="utf-8")
    real = discover.discover
    walks = []

    def vanishing(*args: Any, **kwargs: Any) -> Iterator[Any]:
        walks.append(args)  # the first walk looks for kustomizations; the files go during the one checked
        for source in real(*args, **kwargs):
            if len(walks) > 1 and source.path is not None and source.name.endswith(("f2.yaml", "f4.yaml")):
                source.path.unlink()  # gone between listing and reading
            yield source

    monkeypatch.setattr(engine, "discover", vanishing)
    check = invoke("check", ".", "--no-config", "-f", "json", "-j", "1", cpu=2)
    assert check.code == 1
    assert findings(check) == [("f2.yaml", "file vanished while being read"), ("f4.yaml", "file vanished while being read")]


def test_a_folder_that_vanishes_during_the_walk(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("a", "b", "c"):
        Path(folder).mkdir()
        Path(folder, "m.yaml").write_text(MANIFEST.format(name=folder), encoding="utf-8")
    real_walk = discover._Walk.folder

    def walk(self: Any, folder: Path) -> Iterator[Any]:
        if folder.name == "b":
            shutil.rmtree(folder)
        return real_walk(self, folder)

    monkeypatch.setattr(discover._Walk, "folder", walk)
    check = invoke("check", ".", "--no-config", "-f", "json", "-j", "1", cpu=2)
    import json

    assert check.code == 0 and json.loads(check.stdout)["summary"]["files"] == 2  # what is gone is not there


def test_duplicate_keys(work: Path) -> None:
    Path("dup.yaml").write_text(MANIFEST.format(name="x") + "metadata: {name: y}\n", encoding="utf-8")
    check = invoke("check", "dup.yaml", "--no-config", "-f", "json", "-j", "1", cpu=2)
    assert check.code == 1
    assert findings(check) == [("dup.yaml", "duplicate key 'metadata' (first defined at line 3)")]
    diff = invoke("diff", "dup.yaml", "dup.yaml", cpu=2)
    assert (diff.code, diff.stderr) == (2, "kgen: dup.yaml:7:1: duplicate key 'metadata' (first defined at line 3)\n")


# --- profiles that are not profiles -----------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("- name: web\n- type: web\n", "p.yaml:1:1: expected a mapping, got a list"),
        ("web\n", "p.yaml:1:1: expected a mapping, got the string 'web'"),
        ("42\n", "p.yaml:1:1: expected a mapping, got 42"),
        ("name: ../../etc\ntype: web\nimage: a/b:1\n", "p.yaml:1:1: name: '../../etc' is not a DNS-1123 label"),
    ],
)
def test_profiles_that_are_not_mappings(work: Path, text: str, message: str) -> None:
    Path("p.yaml").write_text(text, encoding="utf-8")
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=2)
    assert outcome.code == 2 and outcome.stderr.startswith(f"kgen: {message}")
    assert not Path("out").exists()


def test_a_profile_with_ten_thousand_fields(work: Path) -> None:
    Path("p.yaml").write_text(
        PROFILE.format(name="web") + "".join(f"field{i}: {i}\n" for i in range(10_000)), encoding="utf-8"
    )
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=3, mib=64)
    assert outcome.code == 2
    assert outcome.stderr.startswith("kgen: p.yaml:5:1: field0: unknown field")
    assert len(outcome.stderr) < 1000 and outcome.stderr.count("\n") == 1  # one line, not 10,000
    assert not Path("out").exists()


def test_a_profile_with_thousands_of_env_values(work: Path) -> None:
    """Legal, and large: renders, within bounds."""
    Path("p.yaml").write_text(
        PROFILE.format(name="web") + "env:\n" + "".join(f"  VAR_{i}: value-{i}\n" for i in range(2_000)),
        encoding="utf-8",
    )
    # 0.7 s of CPU warm and untraced; the bound (under tracemalloc, with first-use costs) only has to
    # catch a walk that is quadratic in the fields, which would take minutes here
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=10, mib=64)
    assert outcome.code == 0, outcome.stderr
    assert "VAR_1999" in Path("out/deployment-web.yaml").read_text(encoding="utf-8")


# --- output folders that cannot be written ----------------------------------------


@pytest.fixture
def rendered(work: Path) -> Path:
    """A folder holding a previous render of two apps (what is committed)."""
    Path("p.yaml").write_text(PROFILE.format(name="web") + "---\n" + PROFILE.format(name="api"), encoding="utf-8")
    assert invoke("render", "p.yaml", "-o", "out").code == 0
    Path("p.yaml").write_text(
        PROFILE.format(name="web").replace(":1.0", ":2.0") + "---\n" + PROFILE.format(name="api").replace(":1.0", ":2.0"),
        encoding="utf-8",
    )
    return work / "out"


def test_output_that_is_a_file(work: Path) -> None:
    Path("p.yaml").write_text(PROFILE.format(name="web"), encoding="utf-8")
    Path("out").write_text("not a folder\n", encoding="utf-8")
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=2)
    assert (outcome.code, outcome.stderr) == (2, "kgen: out is a file, not a folder; choose a folder for -o\n")
    assert Path("out").read_text(encoding="utf-8") == "not a folder\n"
    inside = invoke("render", "p.yaml", "-o", "out/k8s", cpu=2)
    assert inside.code == 2 and inside.stderr.startswith("kgen: cannot create out/k8s: ")


def test_read_only_output_for_real(rendered: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binds, preexec = permission_binding()
    if not binds:  # a root without CAP_SETPCAP: simulate, never skip
        return test_read_only_output_simulated(rendered, monkeypatch, errno.EACCES)
    before = snapshot(rendered)
    rendered.chmod(0o555)
    try:
        outcome = run_kgen("render", "p.yaml", "-o", "out", cwd=rendered.parent, preexec_fn=preexec)
    finally:
        rendered.chmod(0o755)
    assert (outcome.code, outcome.stderr) == (2, "kgen: cannot write to out: Permission denied\n")
    assert snapshot(rendered) == before


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_read_only_output_simulated(rendered: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    before = snapshot(rendered)

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(writer.tempfile, "mkdtemp", refuse)
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=2)
    assert (outcome.code, outcome.stderr) == (2, f"kgen: cannot write to out: {os.strerror(code)}\n")
    assert snapshot(rendered) == before


class FullDisk:
    """The writer's file creation, whose ``fail_at``-th file runs out of space half-way."""

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.created = 0
        self.real = writer._write_new

    def __call__(self, path: Path, text: str) -> None:
        self.created += 1
        if self.created < self.fail_at:
            self.real(path, text)
            return
        self.real(path, text[: len(text) // 2])  # half of it made it to disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("fail_at", [1, 3, 8])
def test_full_disk_leaves_the_folder_as_it_was(rendered: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    before = snapshot(rendered)
    monkeypatch.setattr(writer, "_write_new", FullDisk(fail_at))
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=2)
    assert (outcome.code, outcome.stderr) == (
        2,
        "kgen: cannot write to out: No space left on device; nothing was changed\n",
    )
    assert snapshot(rendered) == before  # no staging litter, no half-written file


def test_full_disk_in_a_new_folder_leaves_no_folder(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("p.yaml").write_text(PROFILE.format(name="web"), encoding="utf-8")
    monkeypatch.setattr(writer, "_write_new", FullDisk(2))
    outcome = invoke("render", "p.yaml", "-o", "new/k8s", cpu=2)
    assert outcome.code == 2 and "No space left on device" in outcome.stderr
    assert not Path("new/k8s").exists()


def test_a_failure_while_moving_files_in_is_rolled_back(rendered: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(rendered)
    moves = []
    real_move = writer._move

    def failing(source: Path, destination: Path) -> None:
        moves.append(destination)
        if len(moves) == 5:  # old files backed up, some new ones in place
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_move(source, destination)

    monkeypatch.setattr(writer, "_move", failing)
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=2)
    assert (outcome.code, outcome.stderr) == (2, "kgen: cannot write to out: Input/output error; nothing was changed\n")
    assert snapshot(rendered) == before


def test_an_unexpected_exception_mid_write_is_rolled_back(rendered: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (not an OSError) half-way through the moves: exit 3, and still nothing changed."""
    before = snapshot(rendered)
    moves = []
    real_move = writer._move

    def buggy(source: Path, destination: Path) -> None:
        moves.append(destination)
        if len(moves) == 6:
            raise RuntimeError("boom")
        real_move(source, destination)

    monkeypatch.setattr(writer, "_move", buggy)
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=2)
    assert outcome.code == 3 and outcome.stderr.startswith("kgen: internal error: RuntimeError: boom; ")
    assert snapshot(rendered) == before


# --- names that try to leave the folder -------------------------------------------


class Crafted:
    """A render result as the writer sees it, with names no profile could produce."""

    def __init__(self, files: dict[str, str]) -> None:
        self.apps = ("web",)
        self.files = files


HEADER = '# Generated by kgen from app "web". Edit the profile, not this file.\n'


@pytest.mark.parametrize(
    "name",
    ["../escape.yaml", "../../etc/passwd.yaml", "/tmp/abs.yaml", "sub/dir.yaml", ".hidden.yaml", "nul\0.yaml", "..", "x.yml"],
)
def test_the_writer_refuses_names_outside_the_folder(work: Path, name: str) -> None:
    Path("out").mkdir()
    before = snapshot(work)
    with pytest.raises(OutputError, match="refusing to write"):
        write_output_dir(Crafted({"service-web.yaml": HEADER + "kind: Service\n", name: HEADER}), "out")
    assert snapshot(work) == before  # not even the good file: names are checked before anything is written


def test_a_symlink_in_the_folder_is_never_written_through(work: Path) -> None:
    Path("p.yaml").write_text(PROFILE.format(name="web"), encoding="utf-8")
    Path("outside.yaml").write_text(HEADER + "kind: Service\n", encoding="utf-8")  # even with kgen's header
    Path("out").mkdir()
    os.symlink("../outside.yaml", "out/service-web.yaml")
    outcome = invoke("render", "p.yaml", "-o", "out", cpu=2)
    assert outcome.code == 2 and "already exists and was not written by kgen" in outcome.stderr
    assert Path("outside.yaml").read_text(encoding="utf-8") == HEADER + "kind: Service\n"
    assert sorted(os.listdir("out")) == ["service-web.yaml"] and os.path.islink("out/service-web.yaml")


def test_a_committed_file_far_too_big_to_be_kgens(rendered: Path) -> None:
    """A crafted giant with kgen's header in the committed folder: --check and -o stay bounded."""
    giant = rendered / "service-web.yaml"
    with open(giant, "a", encoding="utf-8") as handle:
        handle.truncate(70 * 1024 * 1024)
    guard = invoke("render", "p.yaml", "-o", "out", "--check", cpu=5, mib=64)
    assert guard.code == 1 and "stale:   out/service-web.yaml" in guard.stdout
    written = invoke("render", "p.yaml", "-o", "out", cpu=5, mib=64)
    assert written.code == 0
    assert giant.stat().st_size < 10_000
    assert not any(name.startswith(STAGING_PREFIX) for name in os.listdir(rendered))
