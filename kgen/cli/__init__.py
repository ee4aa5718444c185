"""Command line: click only. Each command parses options, calls one core
function and maps its result to an exit code; the one error wrapper here turns
KgenError into a message and its exit code.

Command modules import their core lazily, so ``kgen check`` never pays for
the diff engine and ``kgen --version`` for nothing at all.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import traceback
from typing import Any

import click

from kgen import __version__
from kgen.errors import ExitCode, KgenError, Terminated
from kgen.safetext import escape_unsafe

from kgen.cli import check as _check
from kgen.cli import completion as _completion
from kgen.cli import diff as _diff
from kgen.cli import render as _render
from kgen.cli import streams
from kgen.cli.streams import StreamError, echo

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class KgenGroup(click.Group):
    """The group whose invoke is the one error wrapper for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug")) or os.environ.get("KGEN_DEBUG") == "1"
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except StreamError:
            raise  # answered by main (stderr itself may be the stream that failed)
        except KgenError as exc:
            message = str(exc)
            if exc.exit_code == ExitCode.INTERNAL:  # an InternalError is a bug too
                if debug:
                    traceback.print_exc()
                if "report" not in message:
                    message = f"{message}; {_REPORT}"
            echo(f"kgen: {escape_unsafe(message, one_line=True)}", err=True)  # a file name may hold a newline
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt as exc:
            ctx.exit(_interrupted(exc))
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(ExitCode.OK)
        except MemoryError:
            echo("kgen: out of memory; the input is too large for this machine", err=True)
            ctx.exit(ExitCode.USAGE)
        except RecursionError:
            ctx.exit(_internal("input nested too deeply to process", debug))
        except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into exit 3
            ctx.exit(_internal(f"{type(exc).__name__}: {exc}", debug))


@click.group(cls=KgenGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="kgen", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show the traceback of internal errors.")
def cli(debug: bool) -> None:
    """Render production-ready Kubernetes manifests from short app profiles,
    and check any manifests for production readiness.

    \b
    Examples:
      kgen render fixtures/profiles/shop-api.yaml -o k8s/
      kgen check k8s/
      helm template . | kgen check - --format sarif
      kgen diff old/ new/ --format markdown
    """


for _module in (_render, _check, _diff, _completion):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and exit with the documented code.

    The process's streams are made safe first (see kgen.cli.streams), and SIGTERM stops a
    run as Ctrl-C does (workers stopped, a write rolled back), then exits 143.
    """
    streams.prepare()
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:  # an ignored SIGTERM stays ignored
        signal.signal(signal.SIGTERM, _terminate)
    try:
        try:
            code = run(sys.argv[1:] if argv is None else argv)
        except StreamError as exc:  # stderr could not be written while answering
            code = streams.failed(exc)
        code = streams.finish(code)
    except KeyboardInterrupt as exc:  # between the command's end and here
        code = _interrupted(exc)
    except StreamError as exc:
        code = streams.failed(exc)
    streams.drop_all()
    # From here a signal ends the process as it would any other: exit status 130 or 143 to a shell.
    for number in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(number) in (_terminate, signal.default_int_handler):
            signal.signal(number, signal.SIG_DFL)
    _exit(code)


def _exit(code: int) -> None:
    """End the process with ``code``: exit handlers run and the streams are flushed, as at any exit,
    but the run's objects are not freed one by one first (a large tree's took a tenth of a second
    after the output was written); the system takes the memory back at once."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, StreamError):  # gone or closed: what could be said was said
            pass
    os._exit(code)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def run(args: list[str]) -> int:
    """Run the CLI on ``args`` and return its exit code (errors mapped by KgenGroup)."""
    try:
        code = cli.main(args=args, prog_name="kgen", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort as exc:  # click's word for an interrupt while it parses
        return _interrupted(exc.__context__ if isinstance(exc.__context__, KeyboardInterrupt) else KeyboardInterrupt())
    except click.ClickException as exc:
        exc.show()
        return ExitCode.USAGE
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.OK
    return int(code) if isinstance(code, int) else ExitCode.OK


_REPORT = (
    "this is a bug in kgen, please report it with the input that caused it "
    "(run again with --debug for the traceback)"
)


def _interrupted(exc: KeyboardInterrupt) -> int:
    """SIGINT (130) or SIGTERM (143): workers stopped first, then one line."""
    if "kgen.check.parallel" in sys.modules:
        sys.modules["kgen.check.parallel"].stop_all()
    terminated = isinstance(exc, Terminated)
    echo("kgen: terminated" if terminated else "kgen: interrupted", err=True)
    return ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED


def _internal(summary: str, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    first_line = summary.strip().splitlines()[0] if summary.strip() else "(no message)"
    echo(f"kgen: internal error: {escape_unsafe(first_line, one_line=True)}; {_REPORT}", err=True)
    return ExitCode.INTERNAL


def _silence_stdout() -> None:
    # Python flushes stdout at exit; point it at devnull so a closed pipe stays quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
