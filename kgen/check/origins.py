"""Findings -> where their object was written before a tool rendered it.

The checked stream (``helm template`` output on stdin, a ``kustomize build``)
is what ``file``, ``line`` and ``column`` point into; ``origin`` and
``origin_line`` name the file a person edits. Each source that has such a
map answers for the findings in it, once every finding is located.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Mapping, Protocol

from kgen.check.result import Finding


class OriginMap(Protocol):
    def origin(self, line: int, path: str) -> tuple[str, int, bool] | None:
        """(origin file, its line or 0, whether the line counts the rendered document) for a finding
        at ``line`` of the stream about the field ``path`` (as Finding.path writes it)."""
        ...


def with_origins(findings: Iterable[Finding], maps: Mapping[str, OriginMap]) -> list[Finding]:
    """The findings, those of mapped sources with their origin filled in (an origin already set is kept)."""
    if not maps:
        return list(findings)
    placed: list[Finding] = []
    for finding in findings:
        found = maps.get(finding.file)
        where = found.origin(finding.line, finding.path) if found is not None and not finding.origin else None
        if where is not None:
            origin, line, rendered = where
            finding = replace(finding, origin=origin, origin_line=line, origin_rendered=rendered)
        placed.append(finding)
    return placed
