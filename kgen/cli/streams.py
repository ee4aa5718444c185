"""The process's standard streams, made safe before any command runs.

- A closed descriptor 0, 1 or 2 is given a placeholder that fails every read or
  write (as the closed descriptor would), so no file kgen opens later takes its
  number: a report written to ``-o FILE`` can never end up on "stdout".
- stdout and stderr write through ``_Guarded``: a write that fails (a full disk,
  ``>/dev/full``, a closed descriptor) raises ``StreamError`` (exit 2) naming the
  stream, and everything written to that stream afterwards is dropped, so the
  flush at interpreter exit has nothing left to fail on. A closed pipe (``| head``)
  stays a BrokenPipeError, which the command line answers quietly.
- Text is encoded in the encoding Python chose (the locale, ``PYTHONIOENCODING``),
  and what that encoding cannot hold is written as a ``\\uXXXX`` escape (a JSON
  string escape too, so JSON reports stay valid): a Latin-1 or ASCII terminal
  never makes kgen fail. Files kgen writes (``-o``) are UTF-8 whatever the locale.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import select
import sys
from typing import IO, Any

import click

from kgen.errors import KgenError

#: The error handler of kgen's stdout and stderr: characters the encoding lacks become \\uXXXX.
ESCAPE = "kgen-escape"

STREAM_NAMES = {1: "standard output", 2: "standard error"}


class StreamError(KgenError):
    """stdout or stderr cannot be written (exit 2; for stderr, the exit code says it alone)."""

    def __init__(self, fd: int, reason: str) -> None:
        super().__init__(f"cannot write to {STREAM_NAMES[fd]}: {reason}")
        self.fd = fd


def _escape(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON writes one
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


codecs.register_error(ESCAPE, _escape)


class _Guarded(io.RawIOBase):
    """Descriptor ``fd`` for writing, each failure raised once as StreamError."""

    def __init__(self, fd: int, closed: bool) -> None:
        super().__init__()
        self.fd = fd
        self.closed_at_start = closed  # the descriptor was closed when kgen started
        self.dropping = False  # a failure was reported: what follows goes nowhere

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return not self.closed_at_start and os.isatty(self.fd)

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        if self.dropping:
            return size
        while True:
            try:
                return os.write(self.fd, data)
            except BlockingIOError:  # a descriptor someone else made non-blocking: wait until it takes more
                select.select([], [self.fd], [])
            except BrokenPipeError:
                self.dropping = True  # the reader is gone: the command line ends quietly
                raise
            except OSError as exc:
                self.dropping = True
                if self.closed_at_start:
                    reason = "it is closed"
                elif exc.errno == errno.EBADF:  # closed since, or open for reading only (1<file)
                    reason = "it is closed or open for reading only"
                else:
                    reason = exc.strerror or str(exc)
                raise StreamError(self.fd, reason) from None

    def drop(self) -> None:
        self.dropping = True


def prepare() -> None:
    """Reserve closed standard descriptors and put stdout and stderr behind ``_Guarded``."""
    closed = {fd: not _is_open(fd) for fd in (0, 1, 2)}
    for fd in (0, 1, 2):
        if closed[fd]:
            _reserve(fd)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        current = getattr(sys, name)
        if sys.platform == "win32" and not closed[fd] and os.isatty(fd) and isinstance(current, io.TextIOWrapper):
            current.reconfigure(errors=ESCAPE)  # a Windows console is written in UTF-16 by Python's own stream: keep it
            continue
        setattr(sys, name, _text(current, fd, closed[fd], line_buffering=fd == 2 or (not closed[fd] and os.isatty(fd))))


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _reserve(fd: int) -> None:
    # The wrong way round on purpose: reading 0 and writing 1 or 2 fail with EBADF, as on a closed descriptor.
    placeholder = os.open(os.devnull, os.O_WRONLY if fd == 0 else os.O_RDONLY)
    if placeholder != fd:
        os.dup2(placeholder, fd, inheritable=True)
        os.close(placeholder)
    else:
        os.set_inheritable(fd, True)


def _text(current: IO[str] | None, fd: int, closed: bool, line_buffering: bool) -> io.TextIOWrapper:
    encoding = getattr(current, "encoding", None) or "utf-8"
    raw = _Guarded(fd, closed)
    return io.TextIOWrapper(
        io.BufferedWriter(raw), encoding=encoding, errors=ESCAPE, line_buffering=line_buffering, write_through=fd == 2
    )


def finish(code: int) -> int:
    """Flush stdout and stderr; the exit code, 2 if a stream could not be written (said on
    stderr when stdout is the one that failed and stderr still works)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except StreamError as exc:
            return failed(exc)
    return code


def failed(exc: StreamError) -> int:
    """Exit 2 for a stream that cannot be written, saying so on stderr if that still works."""
    if exc.fd != 2:
        try:
            click.echo(f"kgen: {exc}", file=sys.stderr)
        except (OSError, StreamError):
            pass
    return int(exc.exit_code)


def echo(message: str, *, err: bool = False, nl: bool = True, color: bool | None = None, xml: bool = False) -> None:
    """click.echo to the current sys.stdout or sys.stderr as they are (click would rewrap an
    ASCII stream as UTF-8, writing bytes the stream's reader did not ask for).

    ``xml``: an XML document that declares itself UTF-8 (JUnit). On a stream in another
    encoding, every character beyond ASCII is written as a character reference (``&#233;``),
    so the bytes are the same in every ASCII-based encoding and an XML reader gets the very text.
    """
    stream = sys.stderr if err else sys.stdout
    if xml and not message.isascii() and codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name != "utf-8":
        message = message.encode("ascii", "xmlcharrefreplace").decode("ascii")
    click.echo(message, file=stream, nl=nl, color=color)


def yaml_for(text: str, err: bool = False) -> str:
    """A YAML stream as the stream it goes to can hold it: unchanged when its encoding has
    every character, else each scalar with a character it lacks double-quoted with YAML's
    escapes (``"\\xFC\\u2192"``), everything else (comments, order, layout) as it was."""
    if _encodes(text, sys.stderr if err else sys.stdout):
        return text
    from ruamel.yaml import YAML

    writer = YAML(typ="rt")
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 4096
    writer.preserve_quotes = True
    writer.allow_unicode = False
    writer.explicit_start = text.startswith("---")
    buffer = io.StringIO()
    try:
        writer.dump_all(list(writer.load_all(text)), buffer)
    except Exception:  # noqa: BLE001 - never kgen's own stream; if it were, the escapes below still print it
        return text
    return buffer.getvalue()


def _encodes(text: str, stream: IO[str]) -> bool:
    if text.isascii():
        return True
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeError, LookupError):
        return False
    return True


def drop_all() -> None:
    """After a failure has been answered: nothing more goes to either stream."""
    for stream in (sys.stdout, sys.stderr):
        raw = getattr(getattr(stream, "buffer", None), "raw", None)
        if isinstance(raw, _Guarded):
            raw.drop()
