"""Expected failures and the one table of exit codes.

The core raises KgenError subclasses; only ``kgen.cli`` turns them into a
message and an exit code. Findings are data, never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass


class ExitCode:
    """The exit codes every command uses (see the README)."""

    OK = 0  # nothing at or above --fail-on; diff: no changes
    FINDINGS = 1  # findings at or above --fail-on; diff: changes; render --check: stale
    USAGE = 2  # could not run: usage error, unreadable path, invalid profile or config
    INTERNAL = 3  # a bug in kgen
    INTERRUPTED = 130  # SIGINT (Ctrl-C)
    TERMINATED = 143  # SIGTERM (128 + 15, as a shell reports a process it ended): how CI and `timeout` cancel


@dataclass(frozen=True)
class Location:
    """Where in a source something is: 1-based line and column."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


class KgenError(Exception):
    """An expected failure: bad input, an unreadable path, an invalid config.

    ``location`` names file, line and column where known; ``field`` the
    dotted path of the offending field.
    """

    exit_code = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.field = field

    def __reduce__(self) -> tuple[object, ...]:
        # keep location and field when a worker process sends the error back
        return (type(self), (self.message, self.location, self.field))

    def __str__(self) -> str:
        parts = []
        if self.location is not None:
            parts.append(f"{self.location}: ")
        if self.field:
            parts.append(f"{self.field}: ")
        parts.append(self.message)
        return "".join(parts)


class InputError(KgenError):
    """A path that does not exist, cannot be read, or is not text."""


class LoadError(KgenError):
    """A file or document that does not parse as YAML (or is refused as hostile)."""


class ProfileError(KgenError):
    """An app profile that is not valid."""


class ConfigError(KgenError):
    """A .kgen.yaml or policy file that is not valid."""


class OutputError(KgenError):
    """The output cannot be written where asked."""


class Terminated(KeyboardInterrupt):
    """SIGTERM in the main process: raised where the signal lands, so the run stops as on
    Ctrl-C (workers stopped, a write rolled back), then exits TERMINATED."""


class InternalError(KgenError):
    """Something that should not happen: a bug in kgen (exit 3)."""

    exit_code = ExitCode.INTERNAL
