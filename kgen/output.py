"""Writing one file (``check -o FILE``) so that readers never see it half-written.

What is at the path decides how:

- nothing, or a regular file: the text goes to a temporary file in the same folder, is
  fsynced and renamed over the path. An existing file keeps its permission bits (a 0600
  report stays 0600) and, where the process may, its owner; a new file gets 0666 less the
  umask, as the shell's ``>`` would give it.
- a symbolic link: written through. The link stays; the file it leads to is replaced as
  above (a dangling link's target is created), as ``>`` would write through it.
- a device, FIFO or socket (``/dev/null``, a named pipe), or any path under ``/dev/`` or
  ``/proc/`` (``/dev/stdout``, ``/dev/fd/3``, whatever they lead to): written to directly,
  appending, never replaced (a rename would put a regular file where the device node was,
  or miss the descriptor the path stands for).
- a folder: refused.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

from kgen.errors import OutputError


def write_file_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 (see the module's docstring for what is at ``path``)."""
    try:
        existing: os.stat_result | None = os.stat(path)  # through symbolic links
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise OutputError(f"cannot write {path}: it is a folder; -o names the report file")
    data = text.encode("utf-8")
    if (existing is not None and not stat.S_ISREG(existing.st_mode)) or _stands_for_a_descriptor(path):
        _write_through(path, data)
        return
    if existing is not None and not os.access(path, os.W_OK):
        raise OutputError(f"cannot write {path}: permission denied (the file is read-only)")  # as > would refuse
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    _replace(path, target, data, existing)


def _stands_for_a_descriptor(path: Path) -> bool:
    return os.path.abspath(path).startswith(("/dev/", "/proc/"))


def _write_through(path: Path, data: bytes) -> None:
    """Write to a device or FIFO as it is (no temporary file, no rename)."""
    named = _descriptor_named(path)
    if named is not None and not _writable(named):
        # /dev/stdout while stdout is closed: kgen holds a read-only placeholder there, and
        # opening it anew for writing would open /dev/null, the report lost with exit 0
        raise OutputError(f"cannot write {path}: descriptor {named} is closed or not open for writing")
    try:
        flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)  # a FIFO without a reader waits for one, as the shell's > does
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except BrokenPipeError:
        if named == 1:  # -o /dev/stdout | head: quiet, as a report written to stdout itself is
            raise
        raise OutputError(f"cannot write {path}: its reader has gone (Broken pipe)") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None


_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/(?:self|thread-self|\d+)(?:/task/\d+)?/fd)/(\d+)")
_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _descriptor_named(path: Path) -> int | None:
    """The descriptor of this process that ``path`` stands for (``/dev/stdout``, ``/dev/fd/3``,
    ``/proc/self/fd/1``, or a link to one), followed link by link; None for any other path."""
    current = os.path.abspath(path)
    for _ in range(40):
        if current in _STANDARD:
            return _STANDARD[current]
        match = _DESCRIPTOR.fullmatch(current)
        if match is not None and (not match.group(0).startswith("/proc/") or _this_process(current)):
            return int(match.group(1))
        try:
            link = os.readlink(current)
        except OSError:
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return None


def _this_process(path: str) -> bool:
    part = path.split("/")[2]
    return part in ("self", "thread-self") or part == str(os.getpid())


def _writable(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: no such paths
        return True
    try:
        return fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY
    except OSError:
        return False


def _replace(path: Path, target: Path, data: bytes, existing: os.stat_result | None) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: folder {folder} does not exist")
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        try:
            os.fchmod(handle, mode)
            if existing is not None and hasattr(os, "fchown"):
                _keep_owner(handle, existing)
            _write_all(handle, data)
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        _remove(temporary)
        raise


def _keep_owner(fd: int, existing: os.stat_result) -> None:
    try:
        os.fchown(fd, existing.st_uid, existing.st_gid)
    except OSError:
        pass  # only root may give a file away; the new file is then the writer's own


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
