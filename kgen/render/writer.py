"""Put a render result into a folder, all or nothing.

Afterwards the folder holds exactly what was rendered: files kgen wrote earlier
for the same apps and no longer renders are removed; files without kgen's
header (or of other apps) are never touched; nothing is written outside it.
The new files are staged in a temporary folder inside the target first; the
move into place is short, shielded from SIGINT/SIGTERM, and rolled back from
backups if anything fails part-way. SIGTERM before the move unwinds like
Ctrl-C (KeyboardInterrupt), so the staging folder is removed either way.

One render at a time writes a folder: the folder is locked (``flock`` on the
folder itself, so nothing is left behind) from planning to the last move, and a
second render into it fails at once (exit 2) instead of waiting. What appears
in the folder meanwhile by other means is never overwritten: every move into
the folder refuses to replace (``renameat2(RENAME_NOREPLACE)``, else a hard link
and an unlink), and each file moved out is checked again, once aside, to be
kgen's file of these apps (moved back, and the write undone, when it is not).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Protocol

from kgen.errors import OutputError
from kgen.load.files import not_a_file
from kgen.load.yamlload import DEFAULT_LIMITS
from kgen.render.emit import header_app
from kgen.signals import signals_held

STAGING_PREFIX = ".kgen-staging-"
_HEAD_BYTES = 512


class Rendered(Protocol):
    """What the writer needs of a render result."""

    @property
    def apps(self) -> tuple[str, ...]: ...

    @property
    def files(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class WriteReport:
    """What changed in the folder (file names, sorted)."""

    directory: str
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass
class _Plan:
    write: dict[str, str] = field(default_factory=dict)  # name -> text (new or changed)
    unchanged: list[str] = field(default_factory=list)
    replace: list[str] = field(default_factory=list)  # existing files that `write` replaces
    remove: list[str] = field(default_factory=list)
    apps: tuple[str, ...] = ()  # whose files `replace` and `remove` must still be when they are moved aside


def write_output_dir(result: Rendered, directory: str) -> WriteReport:
    """Make ``directory`` hold exactly ``result.files`` for ``result.apps``."""
    target = Path(directory)
    for name in result.files:
        _check_name(target, name)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{directory} is {_what(target)}, not a folder; choose a folder for -o")
    created: list[Path] = []
    done = False
    with _terminate_interrupts():
        try:
            with signals_held():
                created = _make_dir(target, directory)
            with _locked(target, directory):
                plan = _plan(target, directory, result)
                _apply(target, directory, plan)
            done = True
        finally:
            if created and not done:
                with signals_held():
                    _remove_empty(created)
    return WriteReport(
        directory=directory,
        written=tuple(sorted(plan.write)),
        unchanged=tuple(sorted(plan.unchanged)),
        removed=tuple(sorted(plan.remove)),
    )


@dataclass(frozen=True)
class DirComparison:
    """How a folder differs from a render result (``render --check``), file by file."""

    directory: str
    stale: tuple[str, ...]  # rendered files whose content in the folder differs
    missing: tuple[str, ...]  # rendered files the folder does not have
    extra: tuple[str, ...]  # kgen files of these apps that are no longer rendered
    foreign: tuple[str, ...]  # files in the way that kgen did not write (render -o would refuse)
    current: Mapping[str, str]  # the folder's text of every kgen file of these apps

    @property
    def up_to_date(self) -> bool:
        return not (self.stale or self.missing or self.extra or self.foreign)


def compare_output_dir(result: Rendered, directory: str) -> DirComparison:
    """What ``write_output_dir`` would change in ``directory``, without writing anything."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{directory} is {_what(target)}, not a folder")
    owners = {name: _owner(target / name) for name in _yaml_files(target, directory)} if target.is_dir() else {}
    stale, missing, foreign = [], [], []
    current: dict[str, str] = {}
    for name, owner in owners.items():
        if owner in result.apps:
            text = _read(target / name)
            if text is not None:
                current[name] = text
    for name, text in result.files.items():
        if name not in owners:
            missing.append(name)
        elif owners[name] not in result.apps:
            foreign.append(name)
        elif current.get(name) != text:
            stale.append(name)
    extra = [name for name, owner in owners.items() if owner in result.apps and name not in result.files]
    return DirComparison(directory, tuple(sorted(stale)), tuple(sorted(missing)), tuple(sorted(extra)), tuple(sorted(foreign)), current)


def _check_name(target: Path, name: str) -> None:
    """A file name must stay inside the target folder (object names are DNS-1123 anyway)."""
    separators = {os.sep, os.altsep or os.sep, "\0"}
    if (
        not name.endswith(".yaml")
        or name in (".", "..")
        or name.startswith(".")
        or any(sep in name for sep in separators)
        or os.path.basename(name) != name
        or Path(os.path.normpath(target / name)).parent != Path(os.path.normpath(target))
    ):
        raise OutputError(f"refusing to write {name!r}: it would not be a plain file inside {target}")


def _make_dir(target: Path, directory: str) -> list[Path]:
    """Create the target and any missing parents; the folders this call created, outermost first."""
    missing: list[Path] = []
    folder = Path(os.path.abspath(target))
    while not folder.is_dir():
        if os.path.lexists(folder):
            raise OutputError(f"cannot create {directory}: {folder} is {_what(folder)}, not a folder")
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            os.mkdir(folder)
        except FileExistsError:
            if not folder.is_dir():
                _remove_empty(created)
                raise OutputError(f"cannot create {directory}: {folder} is {_what(folder)}, not a folder") from None
            continue  # made by someone else meanwhile: theirs, never removed here
        except OSError as exc:
            _remove_empty(created)
            raise OutputError(f"cannot create {directory}: {exc.strerror or exc}") from None
        created.append(folder)
    return created


def _what(path: Path) -> str:
    """What is at ``path`` instead of a folder: ``a file``, ``a FIFO (named pipe)``, ``a broken symbolic link``..."""
    what = not_a_file(path)
    if what is None:
        return "a file"
    return "not a folder kgen can use" if what.startswith(("no such", "not readable")) else what


def _remove_empty(created: list[Path]) -> None:
    """Remove the folders a failed write created, innermost first, each only while empty."""
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            return  # something is in it now: it and its parents stay


@contextmanager
def _locked(target: Path, directory: str) -> Iterator[None]:
    """Hold the folder's lock (``flock`` on the folder) while planning and writing."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; the moves below still never replace what appears
        yield
        return
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise OutputError(f"cannot open {directory}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"another kgen render is writing {directory} right now; run this one again once it has finished"
            ) from None
        except OSError:
            pass  # a filesystem without locks (some network mounts): the moves still never replace
        yield
    finally:
        os.close(fd)  # releases the lock


def _plan(target: Path, directory: str, result: Rendered) -> _Plan:
    plan = _Plan(apps=tuple(result.apps))
    owners = {name: _owner(target / name) for name in _yaml_files(target, directory)}
    expected_owner = _expected_owners(result)
    for name, text in result.files.items():
        if name not in owners:
            plan.write[name] = text
            continue
        owner = owners[name]
        if owner not in result.apps:
            who = "was not written by kgen" if owner is None else f"belongs to app {owner!r}"
            raise OutputError(
                f"{target / name} already exists and {who}; kgen never overwrites it. "
                f"Move it away, or render app {expected_owner[name]!r} into another folder"
            )
        if _read(target / name) == text:
            plan.unchanged.append(name)
        else:
            plan.write[name] = text
            plan.replace.append(name)
    plan.remove = sorted(
        name for name, owner in owners.items() if owner in result.apps and name not in result.files
    )
    return plan


def _expected_owners(result: Rendered) -> dict[str, str]:
    owners: dict[str, str] = {}
    for name, text in result.files.items():
        app = header_app(text.split("\n", 1)[0])
        owners[name] = app or "?"
    return owners


def _yaml_files(target: Path, directory: str) -> list[str]:
    try:
        entries = sorted(os.scandir(target), key=lambda entry: entry.name)
    except OSError as exc:
        raise OutputError(f"cannot list {directory}: {exc.strerror or exc}") from None
    return [entry.name for entry in entries if entry.name.endswith(".yaml")]


def _owner(path: Path) -> str | None:
    """The app named in a kgen header; None for anything else (symlinks and folders included)."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        head = _read_bytes(path, _HEAD_BYTES)
    except OSError:
        return None
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return header_app(first)


def _read(path: Path) -> str | None:
    """A kgen file's text; None when unreadable or too big to be one kgen wrote (so: stale)."""
    try:
        if path.stat().st_size > DEFAULT_LIMITS.max_file_bytes:
            return None  # a crafted giant in a committed folder must not cost its size in memory
        return _read_bytes(path).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# Plain os calls: Python's buffered text files cost several extra system calls per file
# (fstat, isatty, seek), which dominated writing a few thousand small files.


def _read_bytes(path: Path, limit: int = -1) -> bytes:
    """The file's bytes (its first ``limit`` when given)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks: list[bytes] = []
        wanted = limit
        while wanted != 0:
            chunk = os.read(fd, 1 << 20 if wanted < 0 else min(wanted, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            if wanted > 0:
                wanted -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _write_new(path: Path, text: str) -> None:
    """Create ``path`` (it must not exist) holding ``text`` as UTF-8, newlines as written."""
    data = memoryview(text.encode("utf-8"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)


def _apply(target: Path, directory: str, plan: _Plan) -> None:
    if not plan.write and not plan.remove:
        return
    staging: Path | None = None
    keep = False
    try:
        with signals_held():  # the staging folder exists only with its cleanup below armed
            try:
                staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
            except OSError as exc:
                raise OutputError(f"cannot write to {directory}: {exc.strerror or exc}") from None
        new, old = staging / "new", staging / "old"
        new.mkdir()
        old.mkdir()
        for name, text in plan.write.items():
            _write_new(new / name, text)
        with signals_held():
            _commit(target, new, old, plan)
    except _Appeared as exc:
        raise OutputError(
            f"{target / exc.name} {exc.what} while kgen was rendering; kgen never overwrites it, "
            "and nothing was changed. Run the render again"
        ) from None
    except _RollbackFailed as exc:
        keep = True
        raise OutputError(
            f"writing {directory} failed and {', '.join(exc.names)} could not be restored; "
            f"the previous versions are in {old}"
        ) from None
    except OSError as exc:
        reason = exc.strerror or exc
        raise OutputError(f"cannot write to {directory}: {reason}; nothing was changed") from None
    finally:
        if staging is not None and not keep:
            with signals_held():  # a signal now must not leave half a staging folder behind
                shutil.rmtree(staging, ignore_errors=True)


class _RollbackFailed(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


class _Appeared(Exception):
    """A file in the folder changed hands since the plan: ``what`` happened to ``name``."""

    def __init__(self, name: str, what: str) -> None:
        super().__init__(f"{name} {what}")
        self.name = name
        self.what = what


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


@lru_cache(maxsize=1)
def _renameat2() -> "ctypes._NamedFuncPointer | None":
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None  # a C library older than renameat2 (glibc 2.28)
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _move(source: Path, destination: Path) -> None:
    """Rename ``source`` to ``destination``, which must not exist (FileExistsError if it does,
    even when it appears at the last moment): never replaces anything."""
    rename = _renameat2()
    if rename is not None:
        if rename(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(destination), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(destination))
    try:  # no renameat2 here (or not on this filesystem): a hard link cannot replace either
        os.link(source, destination, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if os.path.lexists(destination):  # a filesystem without hard links: check, then rename
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(destination)) from None
        os.rename(source, destination)
        return
    os.unlink(source)


def _commit(target: Path, new: Path, old: Path, plan: _Plan) -> None:
    """Back up what goes away, move the new files in; undo everything on any failure."""
    undo: list[tuple[Path, Path]] = []
    try:
        for name in plan.replace + plan.remove:
            try:
                _move(target / name, old / name)
            except FileNotFoundError:
                raise _Appeared(name, "was removed") from None
            undo.append((old / name, target / name))
            if _owner(old / name) not in plan.apps:  # checked where nobody else writes
                raise _Appeared(name, "was replaced by a file kgen did not write")
        for name in plan.write:
            try:
                _move(new / name, target / name)
            except FileExistsError:
                raise _Appeared(name, "appeared") from None
            undo.append((target / name, new / name))
    except BaseException:
        failed = []
        for source, destination in reversed(undo):
            try:
                _move(source, destination)
            except OSError:
                failed.append(destination.name)  # keep undoing the rest
        if failed:
            raise _RollbackFailed(sorted(failed)) from None
        raise


@contextmanager
def _terminate_interrupts() -> Iterator[None]:
    """While writing, SIGTERM raises KeyboardInterrupt (as SIGINT does) instead of
    killing the process, so staging is cleaned up and the folder left as it was."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield  # signal handlers belong to the main thread; never replace someone else's
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
