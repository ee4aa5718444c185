"""The one extension point for output formats, and the options every reporter takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kgen import __version__
from kgen.check.result import CheckResult


@dataclass(frozen=True)
class ReportOptions:
    """How to render a result; the CLI decides (colour: a terminal and no NO_COLOR).

    ``root`` is the absolute folder that SARIF, GitLab and GitHub paths are relative to
    (the repository's top folder); ``cwd`` the absolute folder relative file names were
    given in (default: ``root``). With no ``root`` those paths stay as given.
    """

    color: bool = False
    show_suppressed: bool = False
    tool_version: str = __version__
    root: str = ""
    cwd: str = ""


class Reporter(Protocol):
    """Turns a check result into the full text of one output format.

    A reporter is pure: the same result and options give the same text, byte
    for byte; it never prints, reads files or looks at the clock.
    """

    def __call__(self, result: CheckResult, options: ReportOptions) -> str: ...
