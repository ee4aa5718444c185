"""Paths on the command line -> the manifest files to read, in a fixed order."""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from kgen.errors import InputError, LoadError, Location
from kgen.load.dockerfile import is_dockerfile_name
from kgen.load.yamlload import DEFAULT_LIMITS, Limits, decode

STDIN = "-"
STDIN_NAME = "<stdin>"
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Source:
    """One file to read: the name findings report, and where to read it."""

    name: str
    path: Path | None  # None for stdin
    text: str | None = None  # text made in memory (a kustomize build), read from here instead
    dockerfile: bool = False  # read as a Dockerfile (by its name, or given with --dockerfile)


def discover(
    paths: Iterable[str],
    exclude: Iterable[str] = (),
    suffixes: tuple[str, ...] = MANIFEST_SUFFIXES,
    dockerfiles: bool = False,
) -> Iterator[Source]:
    """Every file named or found below the named folders.

    With ``dockerfiles``, files named like Dockerfiles (``Dockerfile``, ``*.Dockerfile``,
    ``Dockerfile.*``, ``Containerfile``) are found too, and a file named so that is given
    by name is read as one.

    Folders are walked recursively in sorted order (so the result does not
    depend on how the filesystem lists them), symlinked folders once only,
    hidden folders (``.git``) skipped. A path that does not exist is an
    InputError; ``exclude`` globs match the path as given or any suffix of it.
    """
    patterns = tuple(exclude)
    for raw in paths:
        if raw == STDIN:
            yield Source(STDIN_NAME, None)
            continue
        path = Path(raw)
        if not os.path.lexists(path):
            raise InputError(f"no such file or directory: {raw}")
        if _excluded(raw, patterns):
            continue
        if path.is_dir():
            yield from _walk(path, patterns, suffixes, set(), dockerfiles)
        elif path.exists():
            yield Source(raw, path, dockerfile=dockerfiles and _dockerfile_name(path.name))
        else:
            raise InputError(f"broken symbolic link: {raw}")


def _walk(
    folder: Path, patterns: tuple[str, ...], suffixes: tuple[str, ...], seen: set[tuple[int, int]], dockerfiles: bool
) -> Iterator[Source]:
    try:
        stat = folder.stat()
    except OSError:
        return  # vanished or unreadable while walking: nothing to read there
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        return  # a symlink loop, or the same folder linked twice
    seen.add(key)
    try:
        with os.scandir(folder) as listing:
            # names and kinds only: a folder of 100,000 files must not hold 100,000 DirEntry objects
            entries = sorted((entry.name, _kind(entry)) for entry in listing)
    except OSError as exc:
        raise InputError(f"cannot list {folder}: {exc.strerror}") from None
    for name, is_dir in entries:
        child = folder / name
        text = child.as_posix()
        if is_dir is None or _excluded(text, patterns):
            continue
        if is_dir:
            if not name.startswith("."):
                yield from _walk(child, patterns, suffixes, seen, dockerfiles)
        elif dockerfiles and _dockerfile_name(name):
            yield Source(text, child, dockerfile=True)
        elif name.lower().endswith(suffixes):
            yield Source(text, child)


def _dockerfile_name(name: str) -> bool:
    """Named like a Dockerfile, and neither a manifest (``Dockerfile.yaml`` stays one) nor the
    ignore file BuildKit reads beside a Dockerfile (``Dockerfile.dockerignore``)."""
    return is_dockerfile_name(name) and not name.lower().endswith((*MANIFEST_SUFFIXES, ".dockerignore"))


def _kind(entry: os.DirEntry[str]) -> bool | None:
    """Whether an entry is a folder (following symlinks); None when it cannot be told."""
    try:
        return entry.is_dir()
    except OSError:
        return None


def _excluded(path: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    posix = path.replace(os.sep, "/").removeprefix("./")
    parts = posix.split("/")
    candidates = ["/".join(parts[i:]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(c, p) for p in patterns for c in candidates)


def read_text(source: Source, limits: Limits = DEFAULT_LIMITS) -> str:
    """The decoded text of a source, within the size limit."""
    if source.text is not None:
        if len(source.text) > limits.max_file_bytes:
            raise LoadError(_too_big(len(source.text), limits), Location(source.name))
        return source.text
    if source.path is None:
        raw = sys.stdin.buffer.read(limits.max_file_bytes + 1)
    else:
        try:
            size = source.path.stat().st_size
            if size > limits.max_file_bytes:
                raise LoadError(_too_big(size, limits), Location(source.name))
            with open(source.path, "rb") as handle:
                # read(n) allocates n bytes up front: ask for what stat says, not the limit
                raw = handle.read(size + 1)
                if len(raw) > size:  # it grew since: read on, up to one byte past the limit
                    raw += handle.read(max(limits.max_file_bytes + 1 - len(raw), 0))
        except FileNotFoundError:
            raise LoadError("file vanished while being read", Location(source.name)) from None
        except PermissionError:
            raise LoadError("cannot read: permission denied", Location(source.name)) from None
        except IsADirectoryError:
            raise LoadError("is a directory, not a file", Location(source.name)) from None
        except OSError as exc:
            raise LoadError(f"cannot read: {exc.strerror}", Location(source.name)) from None
    if len(raw) > limits.max_file_bytes:
        raise LoadError(_too_big(len(raw), limits), Location(source.name))
    return decode(raw, source.name, "a Dockerfile" if source.dockerfile else "YAML")


def _too_big(size: int, limits: Limits) -> str:
    return (
        f"file is larger than the {limits.max_file_bytes // (1024 * 1024)} MiB limit "
        f"({size} bytes); raise it with --max-file-size"
    )
