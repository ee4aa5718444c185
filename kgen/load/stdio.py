"""Whether standard input can be read at all, asked before ``-`` is read."""

from __future__ import annotations

import io
import os
import stat
import sys


def stdin_unreadable() -> str | None:
    """Why standard input cannot be read (closed, open for writing only, a folder), or None."""
    if sys.stdin is None:  # Python found descriptor 0 closed when it started
        return "it is closed"
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, io.UnsupportedOperation):  # a stream in memory (a test's): readable
        return None
    except ValueError:  # closed by the program
        return "it is closed"
    try:
        info = os.fstat(fd)
    except OSError:
        return "it is closed"
    if stat.S_ISDIR(info.st_mode):
        return "it is a folder"
    if sys.platform != "win32":  # the access mode the descriptor was opened with
        import fcntl

        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY:
            return "it is open for writing only"
    return None
