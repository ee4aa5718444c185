"""Helpers for the hardening tests: run kgen as CI does (a real process) and
measure it, snapshot folders, and make file permissions bind even for root."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import os
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from hypothesis import settings

from tests.conftest import CORPUS, REPO, examples  # noqa: F401  (examples: for the hardening tests)

KGEN = [sys.executable, "-m", "kgen"]
MIB = 1024 * 1024

#: The deeper run: `pytest --long` (or `--hypothesis-profile=long`), or KGEN_LONG=1.
LONG = settings.get_current_profile_name() == "long" or os.environ.get("KGEN_LONG") == "1"




@dataclass(frozen=True)
class Measured:
    """One finished kgen process: exit code, streams, and what it cost."""

    code: int
    stdout: bytes
    stderr: str
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mib: float  # peak RSS of the kgen process (not its --jobs workers), MiB

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")


# kgen's own entry point, plus a report of the process's peak RSS (VmHWM) at exit.
# ru_maxrss from wait4 would not do: on Linux it also counts the memory of the test
# process that forked the child, before the exec.
_LAUNCH = """
import atexit, sys
def _peak(path=sys.argv[1]):
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(path, "w") as out:
        out.write(kib)
atexit.register(_peak)
sys.argv = ["kgen", *sys.argv[2:]]
from kgen.cli import main
main()
"""


def run_kgen(
    *args: str,
    cwd: Path | str = REPO,
    stdin: bytes | Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    preexec_fn: Callable[[], None] | None = None,
) -> Measured:
    """Run kgen ARGS in a new process; CPU time from ``os.wait4``, peak memory from VmHWM."""
    with tempfile.TemporaryDirectory(prefix="kgen-run-") as scratch, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err, _stdin(stdin) as source:
        peak_file = Path(scratch, "peak")
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, str(peak_file), *args],
            cwd=cwd, stdin=source, stdout=out, stderr=err, env=env, preexec_fn=preexec_fn,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read().decode("utf-8", errors="replace")
        peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")
    assert wall < timeout, f"kgen {' '.join(args)} did not finish in {timeout} s"
    return Measured(proc.returncode, stdout, stderr, wall, usage.ru_utime + usage.ru_stime, peak)


@contextlib.contextmanager
def _stdin(data: bytes | Path | None) -> Iterator[Any]:
    if data is None:
        yield subprocess.DEVNULL
    elif isinstance(data, Path):
        with open(data, "rb") as handle:
            yield handle
    else:
        with tempfile.TemporaryFile() as handle:
            handle.write(data)
            handle.seek(0)
            yield handle


def _scratch(prefix: str) -> Path:
    """A temporary folder removed when the test run ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@functools.lru_cache(maxsize=None)
def baseline(command: str) -> Measured:
    """kgen COMMAND on a trivial input: what starting Python and kgen costs (the floor of every bound)."""
    folder = _scratch("kgen-baseline-")
    (folder / "p.yaml").write_text("name: base\ntype: web\nimage: ghcr.io/acme/base:1.0\n", encoding="utf-8")
    (folder / "m.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: {a: b}\n", encoding="utf-8")
    args = {
        "check": ("check", "m.yaml", "--no-config", "-j", "1"),
        "diff": ("diff", "m.yaml", "m.yaml"),
        "render": ("render", "p.yaml"),
    }[command]
    return run_kgen(*args, cwd=folder)


def assert_bounded(run: Measured, command: str, *, cpu: float, mib: float) -> None:
    """At most ``cpu`` seconds of work and ``mib`` MiB of memory above what kgen costs
    anyway (CPU time, not wall time: a busy machine stretches the latter, not the former)."""
    base = baseline(command)
    work, memory = run.cpu - base.cpu, run.peak_mib - base.peak_mib
    assert work < cpu, f"{work:.2f} s of CPU above the baseline (bound {cpu} s)"
    assert memory < mib, f"{memory:.0f} MiB above the baseline's {base.peak_mib:.0f} MiB (bound {mib} MiB)"


def snapshot(folder: Path) -> dict[str, tuple[str, bytes, int, int]]:
    """Every entry below ``folder``: kind, content (or link target), mode and mtime."""
    found: dict[str, tuple[str, bytes, int, int]] = {}
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(root, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                entry = ("link", os.readlink(path).encode(), info.st_mode, 0)
            elif stat.S_ISDIR(info.st_mode):
                entry = ("dir", b"", info.st_mode, 0)
            else:
                entry = ("file", path.read_bytes(), info.st_mode, info.st_mtime_ns)
            found[path.relative_to(folder).as_posix()] = entry
    return found


def contents(folder: Path) -> dict[str, bytes]:
    """File name -> bytes of the files directly in ``folder`` (what render -o writes)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- file permissions that bind even for root ----------------------------------

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3


def _drop_file_capabilities() -> None:
    """In the child, before exec: root without the capabilities that ignore file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@functools.lru_cache(maxsize=None)
def permission_binding() -> tuple[bool, Callable[[], None] | None]:
    """(whether chmod really restricts a child process, the preexec_fn that makes it so).

    Not root: chmod binds as is. Root: drop CAP_DAC_OVERRIDE and friends from the
    child's bounding set (needs CAP_SETPCAP, which root in a container normally has).
    When neither works the caller simulates the error in-process instead.
    """
    if os.geteuid() != 0:
        return True, None
    folder = _scratch("kgen-perm-")
    probe = folder / "probe"
    probe.write_text("x")
    probe.chmod(0)
    try:
        result = subprocess.run(
            [sys.executable, "-c", f"open({str(probe)!r}).read()"],
            preexec_fn=_drop_file_capabilities,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False, None
    finally:
        probe.chmod(0o600)
    if result.returncode != 0 and b"PermissionError" in result.stderr:
        return True, _drop_file_capabilities
    return False, None


def write_tree(folder: Path, count: int, per_folder: int, make: Callable[[int], str]) -> None:
    """``count`` files ``f000000.yaml``... in sub-folders of ``per_folder`` files."""
    for index in range(count):
        sub = folder / f"d{index // per_folder:04d}"
        if index % per_folder == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{index:06d}.yaml").write_text(make(index), encoding="utf-8")


def corpus_files(max_bytes: int = 30_000, suffixes: Iterable[str] = (".yaml", ".yml", ".json")) -> list[Path]:
    """The corpus slice's manifests, small enough to fuzz quickly, in a fixed order."""
    found = [
        path
        for path in sorted(CORPUS.rglob("*"))
        if path.suffix in tuple(suffixes) and path.is_file() and path.stat().st_size <= max_bytes
    ]
    assert found, f"no manifest under {CORPUS}"
    return found


# --- in-process runs, bounded with tracemalloc ----------------------------------


@dataclass(frozen=True)
class Outcome:
    """One in-process kgen run: exit code, streams, CPU seconds and traced peak memory."""

    code: int
    stdout: str
    stderr: str
    cpu: float
    peak_mib: float


def invoke(*args: str, stdin: str | None = None, cpu: float = 5.0, mib: float | None = 64.0) -> Outcome:
    """``kgen ARGS`` through the CLI's error wrapper, in this process, streams captured;
    asserts it took under ``cpu`` seconds and ``mib`` MiB of (Python) memory
    (``mib=None``: not traced, which is several times faster)."""
    from click.testing import CliRunner

    from kgen.cli import run

    runner = CliRunner()
    with runner.isolation(input=stdin) as (out, err, _):
        if mib is not None:
            tracemalloc.start()
        start = time.process_time()
        try:
            code = run(list(args))
        finally:
            seconds = time.process_time() - start
            peak = tracemalloc.get_traced_memory()[1] / MIB if mib is not None else 0.0
            tracemalloc.stop()
        sys.stdout.flush()
        sys.stderr.flush()
    outcome = Outcome(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"), seconds, peak)
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert seconds < cpu, f"kgen {' '.join(args)}: {seconds:.2f} s of CPU (bound {cpu} s)"
    assert mib is None or peak < mib, f"kgen {' '.join(args)}: {peak:.1f} MiB traced (bound {mib} MiB)"
    return outcome


# --- a kgen process paused at a known moment, for signals ----------------------

# kgen's entry point with one function replaced: its nth call (among calls whose arguments'
# repr contains MATCH) reports "paused" on fd FD and waits for a line on stdin before going
# on. The signal dispositions a terminal gives are restored first: a child inherits an
# ignored SIGINT from a shell that ignores it (a background job, nohup), and Python then
# never installs its Ctrl-C handler.
_PAUSED = """
import builtins, importlib, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
module_name, name, nth, match, fd = sys.argv[1:6]
module = importlib.import_module(module_name)
original = getattr(module, name, None) or getattr(builtins, name)
calls = 0
def pausing(*args, **kwargs):
    global calls
    if match in repr(args):
        calls += 1
        if calls == int(nth):
            os.write(int(fd), b"paused\\n")
            sys.stdin.readline()
    return original(*args, **kwargs)
setattr(module, name, pausing)
sys.argv = ["kgen", *sys.argv[6:]]
from kgen.cli import main
main()
"""


@dataclass(frozen=True)
class PauseAt:
    """Where the child stops: the nth call of ``module.name`` whose arguments mention ``match``."""

    module: str
    name: str
    nth: int = 1
    match: str = ""


def start_paused(args: Iterable[str], at: PauseAt, cwd: Path | str = REPO, timeout: float = 120) -> subprocess.Popen[bytes]:
    """Start kgen ARGS and return once it has paused at ``at`` (the timeout only bounds a hang)."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", _PAUSED, at.module, at.name, str(at.nth), at.match, str(write_end), *args],
        cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(write_end,),
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], timeout)
        report = os.read(read_end, 64) if ready else b""
    finally:
        os.close(read_end)
    if report != b"paused\n":
        proc.kill()
        _, stderr = proc.communicate(timeout=timeout)
        raise AssertionError(f"kgen never reached {at} (exit {proc.returncode}): {stderr.decode(errors='replace')}")
    return proc


def signal_paused(proc: subprocess.Popen[bytes], sig: int, timeout: float = 120) -> tuple[int, str]:
    """Send ``sig`` to a paused kgen, let it go on, and return its exit status and stderr."""
    proc.send_signal(sig)
    _, stderr = proc.communicate(input=b"go\n", timeout=timeout)
    return proc.returncode, stderr.decode("utf-8", errors="replace")
