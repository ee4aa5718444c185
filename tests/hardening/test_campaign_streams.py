"""Hostile names and odd descriptors, seen as a CI log sees them (real processes).

A GitHub Actions runner reads every line of a step's stdout and stderr that starts with
``::`` as a workflow command. git stores file names with line breaks, and a manifest can
hold an object name with one, so no line kgen prints may be made to start there by the
input: every name and path is printed on one line, its control characters escaped
(``\\x0a``), in stderr messages, in ``diff``'s text and Markdown and in ``render --check``
(a value's own lines, in a Markdown fence or after a ``+``, are shown as the value has them).
And ``-o /dev/stdout`` (or ``/dev/fd/N``) while that descriptor is closed, or stdout open
for reading only, is exit 2 with a message, never a report silently lost with exit 0.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

import pytest

from tests.hardening.support import Measured, run_kgen

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: {value}}}\n"
PROFILE = "name: shop\ntype: web\nimage: ghcr.io/acme/shop:1.0\n"
#: A name that, printed raw, would be a workflow command on its own line.
HOSTILE = "q\n::error title=INJECTED::x"


def commands_in(text: str) -> list[str]:
    """Lines a GitHub runner would take as workflow commands."""
    return [line for line in text.splitlines() if line.lstrip().startswith("::")]


def outside_fences(text: str) -> str:
    """Markdown without its fenced blocks: those show a value's own lines, as ``cat`` would."""
    kept, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            kept.append(line)
    return "\n".join(kept)


def clean(run: Measured) -> Measured:
    assert "Traceback" not in run.stderr and run.code != 3, run.stderr
    assert not commands_in(run.stderr) and not commands_in(outside_fences(run.out)), (run.stderr, run.out)
    return run


def closing(fd: int) -> Callable[[], None]:
    return lambda: os.close(fd)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "m.yaml").write_text(CONFIGMAP.format(name="m", value="b"), encoding="utf-8")
    (tmp_path / "p.yaml").write_text(PROFILE, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ("diff", f"{HOSTILE}.yaml", "m.yaml"),
        ("render", f"{HOSTILE}.yaml"),
        ("check", "m.yaml", "--config", f"{HOSTILE}.yaml"),
        ("check", "m.yaml", "--no-config", "--crds", f"{HOSTILE}.yaml"),
    ],
    ids=["diff", "render", "check --config", "check --crds"],
)
def test_a_file_name_with_a_line_break_is_one_line_on_stderr(work: Path, args: tuple[str, ...]) -> None:
    os.mkfifo(work / f"{HOSTILE}.yaml")  # refused unread, and named in the message
    run = clean(run_kgen(*args, cwd=work, timeout=30))
    assert run.code == 2
    assert run.stderr.count("\n") == 1 and "q\\x0a::error title=INJECTED::x.yaml" in run.stderr, run.stderr


def test_a_folder_entry_named_with_a_line_break_is_one_line_on_stderr(work: Path) -> None:
    (work / "tree").mkdir()
    os.mkfifo(work / "tree" / f"{HOSTILE}.yaml")
    for args in (("diff", "tree", "m.yaml"), ("render", "tree")):
        run = clean(run_kgen(*args, cwd=work, timeout=30))
        assert run.code == 2 and run.stderr.count("\n") == 1, run.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_diff_prints_names_and_files_on_one_line(work: Path, fmt: str) -> None:
    old, new = work / "old", work / "new"
    old.mkdir()
    new.mkdir()
    (old / "gone.yaml").write_text(CONFIGMAP.format(name='"k\\n::warning::NAME"', value="b"), encoding="utf-8")
    (old / "m.yaml").write_text(CONFIGMAP.format(name="m", value="b"), encoding="utf-8")
    (new / f"{HOSTILE}.yaml").write_text(CONFIGMAP.format(name="m", value="c"), encoding="utf-8")
    run = clean(run_kgen("diff", "old", "new", "-f", fmt, cwd=work, timeout=30))
    assert run.code == 1
    assert "ConfigMap k\\x0a::warning::NAME" in run.out
    if fmt == "text":  # Markdown names no files
        assert "new/q\\x0a::error title=INJECTED::x.yaml" in run.out


def test_render_check_prints_the_folder_files_on_one_line(work: Path) -> None:
    assert run_kgen("render", "p.yaml", "-o", "out", cwd=work, timeout=30).code == 0
    service = (work / "out" / "service-shop.yaml").read_text(encoding="utf-8")
    (work / "out" / f"{HOSTILE}.yaml").write_text(service, encoding="utf-8")  # kgen's header: an extra file
    run = clean(run_kgen("render", "p.yaml", "-o", "out", "--check", cwd=work, timeout=30))
    assert run.code == 1
    assert "  extra:   out/q\\x0a::error title=INJECTED::x.yaml (kgen wrote it; no longer rendered)\n" in run.out


def test_render_o_and_init_o_name_their_output_on_one_line(work: Path) -> None:
    run = clean(run_kgen("render", "p.yaml", "-o", "a\nb", cwd=work, timeout=30))
    assert run.code == 0 and run.stderr.startswith("kgen: a\\x0ab: 5 written, 0 unchanged") and run.stderr.count("\n") == 1
    run = clean(run_kgen("init", "web", "--type", "web", "-o", "x\n::error::y.yaml", cwd=work, timeout=30))
    assert run.code == 0 and run.stderr.count("\n") == 1 and "x\\x0a::error::y.yaml" in run.stderr


@pytest.mark.parametrize(
    ("argument", "value"),
    [("name", "web\nimage: evil"), ("name", "a: b"), ("--image", "nginx:1\n::error::x"), ("--schema", "s\nname: x")],
)
def test_init_refuses_values_that_would_change_the_starter_yaml(work: Path, argument: str, value: str) -> None:
    args = ("init", value, "--type", "web") if argument == "name" else ("init", "web", "--type", "web", argument, value)
    run = clean(run_kgen(*args, cwd=work, timeout=30))
    assert run.code == 2 and run.stderr.count("\n") == 1 and "cannot be the" in run.stderr, run.stderr
    assert sorted(p.name for p in work.iterdir()) == ["m.yaml", "p.yaml"]  # nothing written


@pytest.mark.parametrize(("target", "fd"), [("/dev/stdout", 1), ("/proc/self/fd/1", 1), ("/dev/fd/2", 2)])
def test_o_naming_a_closed_descriptor_is_exit_2(work: Path, target: str, fd: int) -> None:
    run = run_kgen("check", "m.yaml", "--no-config", "-j", "1", "-o", target, cwd=work, preexec_fn=closing(fd), timeout=30)
    assert run.code == 2 and run.stdout == b""
    if fd == 1:  # stderr still works: it says why
        assert run.stderr == f"kgen: cannot write {target}: descriptor 1 is closed or not open for writing\n"


def test_o_through_a_link_to_a_closed_stdout_is_exit_2(work: Path) -> None:
    (work / "report.json").symlink_to("/dev/stdout")
    run = run_kgen("check", "m.yaml", "--no-config", "-j", "1", "-o", "report.json", cwd=work, preexec_fn=closing(1), timeout=30)
    assert (run.code, run.stderr) == (2, "kgen: cannot write report.json: descriptor 1 is closed or not open for writing\n")


def test_o_dev_stdout_still_writes_to_stdout(work: Path) -> None:
    run = run_kgen("check", "m.yaml", "--no-config", "-j", "1", "-o", "/dev/stdout", cwd=work, timeout=30)
    assert run.code == 0 and run.out.startswith("no problems found")


def test_stdout_open_for_reading_only_is_exit_2_saying_so(work: Path) -> None:
    def read_only_stdout() -> None:
        os.dup2(os.open(work / "m.yaml", os.O_RDONLY), 1)

    for args in (("check", "m.yaml", "--no-config", "-j", "1"), ("render", "p.yaml"), ("diff", "m.yaml", "p.yaml")):
        run = run_kgen(*args, cwd=work, preexec_fn=read_only_stdout, timeout=30)
        assert (run.code, run.stderr) == (2, "kgen: cannot write to standard output: it is closed or open for reading only\n")
    assert (work / "m.yaml").read_text(encoding="utf-8") == CONFIGMAP.format(name="m", value="b")


@pytest.mark.parametrize("fmt", ["text", "junit", "github", "json", "sarif", "gitlab"])
def test_check_reports_never_start_a_line_with_a_command(work: Path, fmt: str) -> None:
    pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: "p\\n::error::NAME"}\nspec: {containers: [{name: c, image: nginx}]}\n'
    (work / "tree").mkdir()
    (work / "tree" / f"{HOSTILE}.yaml").write_text(pod, encoding="utf-8")
    run = run_kgen("check", "tree", "--no-config", "-j", "1", "-f", fmt, cwd=work, timeout=30)
    if fmt == "github":  # its lines are commands: one a finding, each of kgen's own making
        assert all(re.match(r"::(error|warning|notice) file=tree/q%0A%3A%3Aerror title=INJECTED%3A%3Ax\.yaml,line=\d+,col=\d+,title=[a-z-]+::", line)
                   for line in run.out.splitlines()[:-1]), run.out
        assert run.out.splitlines()[-1].startswith("kgen: 1 error, ")  # the summary, plain text
    else:
        clean(run)
    assert run.code == 1 and "NAME" in run.out
    if fmt in ("text", "junit"):  # the message's own line break kept, its "::" made inert
        assert "\\x3a:error::NAME" in run.out and "q\\x0a::error title=INJECTED::x.yaml" in run.out


@pytest.mark.parametrize("args", [("check", "-", "--no-config", "-j", "1", "-f", "json"), ("diff", "-", "m.yaml"), ("render", "-")])
def test_a_non_blocking_stdin_is_waited_for_not_read_as_empty(work: Path, args: tuple[str, ...]) -> None:
    """A parent that leaves the pipe O_NONBLOCK (some runners do): the input is what the writer
    writes later, never an empty input (`check -` would pass having checked nothing)."""
    import fcntl
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETFL, fcntl.fcntl(read_end, fcntl.F_GETFL) | os.O_NONBLOCK)
    text = (PROFILE if args[0] == "render" else CONFIGMAP.format(name="m", value="c")).encode()
    proc = subprocess.Popen([sys.executable, "-m", "kgen", *args], cwd=work, stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(read_end)
    try:
        with os.fdopen(write_end, "wb") as writer:
            # written only once kgen waits: a read before would be an empty input
            readable = select_writable_after_reader(proc)
            writer.write(text[:20])
            writer.flush()
            writer.write(text[20:])
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert readable and b"Traceback" not in stderr
    if args[0] == "check":
        assert proc.returncode == 0 and b'"objects": 1' in stdout, (stdout, stderr)
    elif args[0] == "diff":
        assert proc.returncode == 1 and b"data.a: c" in stdout, (stdout, stderr)
    else:
        assert proc.returncode == 0 and b"kind: Deployment" in stdout, (stdout, stderr)


def select_writable_after_reader(proc: "subprocess.Popen[bytes]") -> bool:
    """Until kgen has started and waits on its stdin (its CPU time stops growing), at most 20 s."""
    import time

    deadline, last = time.monotonic() + 20, -1.0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False  # it ended without waiting: read the input as empty
        with open(f"/proc/{proc.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks = float(fields[11]) + float(fields[12])
        if fields[0] == "S" and ticks == last and ticks > 0:
            return True
        last = ticks
        time.sleep(0.2)
    return False


def test_o_dev_stdout_into_a_gone_reader_is_quiet_and_a_fifo_is_exit_2(work: Path) -> None:
    import subprocess
    import sys

    big = "".join(CONFIGMAP.format(name=f"m{i}", value="b").replace("apiVersion", "---\napiVersion") for i in range(3000))
    (work / "big.yaml").write_text(big, encoding="utf-8")
    command = [sys.executable, "-m", "kgen", "check", "big.yaml", "--no-config", "-j", "1", "-f", "sarif"]
    for target in ("/dev/stdout", "fifo"):
        if target == "fifo":
            os.mkfifo(work / "fifo")
            reader = subprocess.Popen(["head", "-c", "10", "fifo"], cwd=work, stdout=subprocess.DEVNULL)
            proc = subprocess.Popen([*command, "-o", "fifo"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        else:
            proc = subprocess.Popen([*command, "-o", target], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            assert proc.stdout is not None
            proc.stdout.read(10)
            proc.stdout.close()  # the reader goes, as head does
        _, stderr = proc.communicate(timeout=60)
        if target == "fifo":
            reader.wait(timeout=30)
            assert (proc.returncode, stderr) == (2, b"kgen: cannot write fifo: its reader has gone (Broken pipe)\n")
        else:
            assert (proc.returncode, stderr) == (0, b"")
