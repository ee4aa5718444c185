"""Reading a user's file: only a regular file, only up to a limit, never blocking on what is not one.

A FIFO, a device (``/dev/stdin``, ``/dev/zero``), a socket or a folder where a file is expected
is refused before a byte is read: the file is opened with ``O_NONBLOCK`` (a FIFO opens at once
instead of waiting for a writer) and its kind is taken from the open descriptor (``fstat``), so
swapping the file between a check and the open cannot get a FIFO read. Bytes are read in chunks,
so memory follows what the file holds, not the limit.
"""

from __future__ import annotations

import errno
import os
import select
import stat
from typing import BinaryIO

CHUNK = 1 << 20
#: The largest --max-file-size (MiB) the commands accept: 4 GiB.
MAX_FILE_SIZE_MIB = 4096

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
)


class NotRegular(OSError):
    """The path is something other than a regular file; ``kind`` says what."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"is {kind}, not a regular file; kgen reads only regular files")
        self.kind = kind


class TooBig(OSError):
    """The file holds more than the limit; ``size`` is what is known of its size (at least limit + 1)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"larger than the limit ({size} bytes)")
        self.size = size


def kind_of(mode: int) -> str | None:
    """What a file of this mode is when it is not a regular file; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def not_a_file(path: str | os.PathLike[str]) -> str | None:
    """What is at ``path`` when it is not a regular file to read (``no such file``, ``a broken
    symbolic link``, ``a symbolic link loop``, ``a directory``, ``a FIFO (named pipe)``...); None
    when it is one. Nothing is opened."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if os.path.islink(path):
            return "a symbolic link loop" if exc.errno == errno.ELOOP else "a broken symbolic link"
        return "no such file" if exc.errno == errno.ENOENT else f"not readable ({exc.strerror})"
    return kind_of(info.st_mode)


def read_regular(path: str | os.PathLike[str], limit: int, follow: bool = True) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises NotRegular for anything but a regular file (without reading it), TooBig past the
    limit, and OSError (FileNotFoundError, PermissionError, ...) as ``open`` does. With
    ``follow`` False a symbolic link as the last part of the path is refused (ELOOP).
    """
    try:
        before = os.stat(path, follow_symlinks=follow)
    except OSError:
        before = None  # let open give the reason
    if before is not None:
        kind = kind_of(before.st_mode)
        if kind is not None:
            raise NotRegular(kind)  # not even opened: opening some devices has effects
        if before.st_size > limit:
            raise TooBig(before.st_size)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        opened = os.fstat(fd)
        kind = kind_of(opened.st_mode)
        if kind is not None:
            raise NotRegular(kind)  # swapped since the stat above
        if opened.st_size > limit:
            raise TooBig(opened.st_size)
        return _read_fd(fd, limit)
    finally:
        os.close(fd)


def _read_fd(fd: int, limit: int) -> bytes:
    data = bytearray()
    while len(data) <= limit:
        try:
            chunk = os.read(fd, min(CHUNK, limit + 1 - len(data)))
        except BlockingIOError:  # non-blocking and nothing yet: wait for the writer
            select.select([fd], [], [])
            continue
        if not chunk:
            return bytes(data)
        data += chunk
    raise TooBig(len(data))


def read_stream(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes of a stream (stdin), read in chunks; TooBig when it holds more.

    A descriptor left non-blocking by whoever started kgen (``O_NONBLOCK`` on a pipe) has
    nothing to give before its writer has written: that is a wait, never the end of the
    input (read as empty, ``check -`` would pass having checked nothing)."""
    try:
        fd: int | None = stream.fileno()
    except (AttributeError, OSError, ValueError):  # a stream in memory (a test's)
        fd = None
    if fd is not None and not getattr(stream, "peek", lambda _: b"")(0):  # nothing buffered: read the descriptor
        return _read_fd(fd, limit)
    data = bytearray()
    read = getattr(stream, "read1", stream.read)
    while len(data) <= limit:
        chunk = read(min(CHUNK, limit + 1 - len(data)))
        if not chunk:
            return bytes(data)
        data += chunk
    raise TooBig(len(data))
