"""``helm template`` output -> the chart file each document was rendered from.

Helm writes every document it renders as ``---``, then ``# Source: <path>``,
then the document (``pkg/action``: ``"---\\n# Source: %s\\n%s\\n"``). The path
starts with the chart's name: ``shop/templates/deployment.yaml``, a
subchart's ``shop/charts/redis/templates/master.yaml``, a hook the same way,
and with ``--include-crds`` a file of the chart's ``crds/`` folder
(``shop/crds/crontab.yaml``; older releases print ``crds/crontab.yaml``).

Templates are split into documents before they are printed, so each has its
own comment and the line after it is line 1 of the rendered document. A
CRD file is printed as it is, ``---`` separators and all, under one
comment: the documents after its first have no comment of their own and
belong to it, and their lines count from the same comment, which makes
them the lines of the CRD file itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kgen.load.lines import editor_lines

MARKER = "# Source: "
_SOURCE = re.compile(r"^# Source: (\S.*)$")  # trailing blanks stripped after (a lazy match was quadratic)
_SEPARATOR = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)")


@dataclass(frozen=True)
class HelmSource:
    """Where the lines after a ``# Source:`` comment came from."""

    path: str  # as helm prints it: chart/templates/x.yaml
    comment_line: int  # 1-based line of the comment in the checked stream
    rendered: bool  # True for a template (lines of its output), False for a crds/ file printed as written

    def line_in(self, line: int) -> int:
        """A line of the stream -> its line in the rendered document (or the CRD file): 1 after the comment."""
        return max(line - self.comment_line, 0)

    def origin(self, line: int) -> tuple[str, int, bool]:
        return (self.path, self.line_in(line), self.rendered)


class HelmSources:
    """The ``# Source:`` comments of one stream, answering which one a line belongs to."""

    def __init__(self, spans: list[tuple[int, int, HelmSource]]) -> None:
        self._spans = spans  # (first line, last line, source), in order and not overlapping
        self._starts = [first for first, _, _ in spans]

    def __bool__(self) -> bool:
        return bool(self._spans)

    def at(self, line: int) -> HelmSource | None:
        """The source of a 1-based line, None outside any rendered document."""
        index = bisect.bisect_right(self._starts, line) - 1
        if index < 0:
            return None
        first, last, source = self._spans[index]
        return source if first <= line <= last else None

    def origin(self, line: int, path: str) -> tuple[str, int, bool] | None:
        """(template, its line, rendered) for a finding at ``line`` (``path`` is not needed: helm keeps no field map)."""
        source = self.at(line)
        return source.origin(line) if source is not None else None


def helm_sources(text: str) -> HelmSources | None:
    """The ``# Source:`` comments of ``text``; None when it has none (the usual case, found in one search)."""
    if MARKER not in text:
        return None
    spans: list[tuple[int, int, HelmSource]] = []
    current: HelmSource | None = None
    first = 0
    lines = editor_lines(text)
    for number, line in enumerate(lines, start=1):
        if _SEPARATOR.match(line):
            if current is not None and current.rendered:
                spans.append((first, number - 1, current))
                current = None  # a template's document ends here; a CRD file's may go on
            continue
        match = _SOURCE.match(line) if line.startswith(MARKER) else None
        if match is None:
            continue
        if current is not None:
            spans.append((first, number - 1, current))
        path = match.group(1).rstrip(" \t")
        current = HelmSource(path, number, rendered=not _is_crd_file(path))
        first = number
    if current is not None:
        spans.append((first, len(lines), current))
    return HelmSources(spans) if spans else None


def _is_crd_file(path: str) -> bool:
    """A file of a chart's crds/ folder (printed as written), not a template."""
    parts = path.split("/")
    return "crds" in parts[:-1] and "templates" not in parts[:-1]
