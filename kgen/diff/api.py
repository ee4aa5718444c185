"""The diff entry points: texts or paths in, a DiffResult out, and its formats.

``diff_texts`` is what ``kgen render --check`` calls with the folder's files
against the rendered ones; ``diff_paths`` is what ``kgen diff`` calls.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from kgen.diff.engine import diff_sides
from kgen.diff.format_json import format_json
from kgen.diff.format_markdown import format_markdown
from kgen.diff.format_text import format_text
from kgen.diff.objects import SourceObject, pair_sides, read_side
from kgen.diff.paths import parse_pattern
from kgen.diff.presets import preset_patterns
from kgen.diff.result import DiffResult
from kgen.errors import ConfigError, InputError, KgenError, Location
from kgen.load.discover import STDIN, discover, read_text
from kgen.load.yamlload import DEFAULT_LIMITS, Limits
from kgen.load.gcpause import no_cyclic_gc
from kgen.model.k8s import WorkloadIndex, WorkloadKind

__all__ = ["DiffOptions", "DiffResult", "checked_ignores", "diff_paths", "diff_texts", "format_json", "format_markdown", "format_text"]


@dataclass(frozen=True)
class DiffOptions:
    """How to compare. ``ignore``: field paths dropped on both sides before
    comparing (``metadata.annotations``, ``spec.template.spec.containers[*].image``)."""

    ignore: tuple[str, ...] = ()
    limits: Limits = DEFAULT_LIMITS  # max_file_bytes: --max-file-size
    follow_symlinks: bool = False  # --follow-symlinks: read symbolic links below a folder that lead out of it
    #: Custom workload kinds (``.kgen.yaml`` ``workloads:``): their risk notes are a Deployment's.
    workloads: tuple[WorkloadKind, ...] = ()
    #: Ignore presets (kgen.diff.presets): families of fields dropped like ``ignore``.
    presets: tuple[str, ...] = ()


def diff_texts(old: Mapping[str, str], new: Mapping[str, str], options: DiffOptions) -> DiffResult:
    """Compare two sets of manifests, each source name -> YAML text.

    Objects are matched by (API group, kind, namespace, name) wherever they
    sit; which file an object is in, and its order, are not changes. Raises
    KgenError (exit 2) for a text that does not parse, a bad ``--ignore``
    path, or an object defined twice on one side.
    """
    with no_cyclic_gc():
        return _diff(read_side(old, "old"), read_side(new, "new"), options)


def _diff(old: list[SourceObject | None], new: list[SourceObject | None], options: DiffOptions) -> DiffResult:
    texts = (*preset_patterns(options.presets), *options.ignore)
    ignores = tuple(parse_pattern(text) for text in texts)
    return diff_sides(*pair_sides(old, new), ignores, WorkloadIndex(options.workloads))


def diff_paths(old: str, new: str, options: DiffOptions) -> DiffResult:
    """Compare two files or folders (recursive); ``-`` reads one side from stdin."""
    if old == STDIN and new == STDIN:
        raise InputError("only one side can be read from stdin (-)")
    with no_cyclic_gc():
        old_side = read_side(_read(old, options), "old", _root(old))
        new_side = read_side(_read(new, options), "new", _root(new))
        return _diff(old_side, new_side, options)


def checked_ignores(patterns: tuple[str, ...], locations: tuple[Location, ...]) -> tuple[str, ...]:
    """The config's diff.ignore paths, each refused at its place in the file when it is not a field path."""
    for pattern, location in zip(patterns, locations):
        try:
            parse_pattern(pattern)
        except KgenError as exc:
            raise ConfigError(exc.message.replace("--ignore ", "", 1), location, "diff.ignore") from None
    return patterns


def _root(path: str) -> str:
    """Objects of a folder side are placed relative to the folder."""
    return path if path != STDIN and os.path.isdir(path) else ""


def _read(path: str, options: DiffOptions) -> dict[str, str]:
    sources = discover([path], follow_symlinks=options.follow_symlinks)
    return {source.name: read_text(source, options.limits) for source in sources}
