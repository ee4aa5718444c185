"""Paths on the command line -> the manifest files to read, in a fixed order."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from kgen.errors import InputError, LoadError, Location
from kgen.load.files import NotRegular, TooBig, read_regular, read_stream
from kgen.load.stdio import stdin_unreadable
from kgen.load.yamlload import DEFAULT_LIMITS, Limits, decode

STDIN = "-"
STDIN_NAME = "<stdin>"
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
#: File names kgen reads as Dockerfiles (besides any path given with --dockerfile).
DOCKERFILE_NAMES = re.compile(r"^(Dockerfile|Containerfile)(\..+)?$|^.+\.(Dockerfile|Containerfile)$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One file to read: the name findings report, and where to read it."""

    name: str
    path: Path | None  # None for stdin
    text: str | None = None  # text made in memory (a kustomize build), read from here instead
    dockerfile: bool = False  # read as a Dockerfile (by its name, or given with --dockerfile)
    #: why the file is not read (a symbolic link out of the tree, a broken one): read_text refuses it
    refused: str | None = None
    follow: bool = True  # False: found while walking as a plain file; a symbolic link there now is refused


#: Why a symbolic link found while walking a folder is not read.
OUTSIDE = "symbolic link to {what} outside {root}; not read (kgen reads only inside the folders it is given; --follow-symlinks reads it)"
BROKEN = "broken symbolic link: its target does not exist"
LOOP = "symbolic link loop: it never reaches a file"


def discover(
    paths: Iterable[str],
    exclude: Iterable[str] = (),
    suffixes: tuple[str, ...] = MANIFEST_SUFFIXES,
    dockerfiles: bool = False,
    follow_symlinks: bool = False,
) -> Iterator[Source]:
    """Every file named or found below the named folders.

    With ``dockerfiles``, files named like Dockerfiles (``Dockerfile``, ``*.Dockerfile``,
    ``Dockerfile.*``, ``Containerfile``) are found too, and a file named so that is given
    by name is read as one.

    Folders are walked recursively in sorted order (so the result does not
    depend on how the filesystem lists them), symlinked folders once only,
    hidden folders (``.git``) skipped. A path that does not exist is an
    InputError; ``exclude`` globs match the path as given or any suffix of it.

    A path on the command line is read wherever it leads. Below a named folder, a symbolic
    link whose target is outside that folder (resolved) is not followed unless
    ``follow_symlinks``: it is a refused Source (so a finding, or exit 2) when it leads to a
    folder or has a manifest's name, and is ignored otherwise, as any other file is. A broken
    link (dangling, or a loop) with a manifest's name is a refused Source too; on the command
    line it is an InputError, with the same words.
    """
    patterns = tuple(exclude)
    for raw in paths:
        if raw == STDIN:
            unreadable = stdin_unreadable()
            if unreadable is not None:
                raise InputError(f"cannot read standard input (-): {unreadable}")
            yield Source(STDIN_NAME, None)
            continue
        path = Path(raw)
        if not os.path.lexists(path):
            raise InputError(f"no such file or directory: {raw}")
        if _excluded(raw, patterns):
            continue
        try:
            root = os.path.realpath(path, strict=True)
        except OSError as exc:
            raise InputError(f"{raw}: {_broken(exc)}") from None
        if os.path.isdir(root):
            walk = _Walk(root, raw, patterns, suffixes, dockerfiles, follow_symlinks)
            yield from walk.folder(path)
        else:
            yield Source(raw, path, dockerfile=dockerfiles and _dockerfile_name(path.name))


def _broken(exc: OSError) -> str:
    return BROKEN if isinstance(exc, FileNotFoundError) else LOOP if exc.errno == errno.ELOOP else f"cannot resolve: {exc.strerror}"


@dataclass
class _Walk:
    root: str  # the named folder, resolved: nothing outside it is read unless follow
    named: str  # the folder as the command line names it, for messages
    patterns: tuple[str, ...]
    suffixes: tuple[str, ...]
    dockerfiles: bool
    follow: bool
    seen: set[tuple[int, int]] = field(default_factory=set)

    def folder(self, folder: Path) -> Iterator[Source]:
        try:
            stat = folder.stat()
        except OSError:
            return  # vanished or unreadable while walking: nothing to read there
        key = (stat.st_dev, stat.st_ino)
        if key in self.seen:
            return  # the same folder linked twice (or linked from inside itself)
        self.seen.add(key)
        try:
            with os.scandir(folder) as listing:
                # names and kinds only: a folder of 100,000 files must not hold 100,000 DirEntry objects
                entries = sorted((entry.name, _kind(entry)) for entry in listing)
        except OSError as exc:
            raise InputError(f"cannot list {folder}: {exc.strerror}") from None
        for name, kind in entries:
            child = folder / name
            text = child.as_posix()
            if kind is None or _excluded(text, self.patterns):
                continue
            if kind == "link":
                yield from self._link(child, name, text)
            elif kind == "dir":
                if not name.startswith("."):
                    yield from self.folder(child)
            elif self._wanted(name):
                yield Source(text, child, dockerfile=self._as_dockerfile(name), follow=False)

    def _link(self, child: Path, name: str, text: str) -> Iterator[Source]:
        try:
            target = os.path.realpath(child, strict=True)
        except OSError as exc:
            if self._wanted(name):
                yield Source(text, child, dockerfile=self._as_dockerfile(name), refused=_broken(exc))
            return
        is_dir = os.path.isdir(target)
        if is_dir and name.startswith("."):
            return
        if not self.follow and not _inside(target, self.root):
            if is_dir or self._wanted(name):
                what = "a folder" if is_dir else "a file"
                refused = OUTSIDE.format(what=what, root=self.named)
                yield Source(text, child, dockerfile=self._as_dockerfile(name), refused=refused)
            return
        if is_dir:
            yield from self.folder(child)
        elif self._wanted(name):
            yield Source(text, child, dockerfile=self._as_dockerfile(name))

    def _wanted(self, name: str) -> bool:
        return (self.dockerfiles and _dockerfile_name(name)) or name.lower().endswith(self.suffixes)

    def _as_dockerfile(self, name: str) -> bool:
        return self.dockerfiles and _dockerfile_name(name)


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _dockerfile_name(name: str) -> bool:
    """Named like a Dockerfile, and neither a manifest (``Dockerfile.yaml`` stays one) nor the
    ignore file BuildKit reads beside a Dockerfile (``Dockerfile.dockerignore``)."""
    return bool(DOCKERFILE_NAMES.match(name)) and not name.lower().endswith((*MANIFEST_SUFFIXES, ".dockerignore"))


def _kind(entry: os.DirEntry[str]) -> str | None:
    """``link``, ``dir`` or ``file`` (anything else: kgen refuses it when it reads it); None when it cannot be told."""
    try:
        if entry.is_symlink():
            return "link"
        return "dir" if entry.is_dir(follow_symlinks=False) else "file"
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
    if source.refused is not None:
        raise LoadError(source.refused, Location(source.name))
    try:
        if source.path is None:
            if sys.stdin is None:
                raise LoadError("cannot read standard input: it is closed", Location(source.name))
            raw = read_stream(sys.stdin.buffer, limits.max_file_bytes)
        else:
            raw = read_regular(source.path, limits.max_file_bytes, follow=source.follow)
    except TooBig as exc:
        raise LoadError(_too_big(exc.size, limits), Location(source.name)) from None
    except NotRegular as exc:
        raise LoadError(str(exc), Location(source.name)) from None
    except FileNotFoundError:
        raise LoadError("file vanished while being read", Location(source.name)) from None
    except PermissionError:
        raise LoadError("cannot read: permission denied", Location(source.name)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW: a plain file when listed, a symbolic link now
            raise LoadError("became a symbolic link while being read; not read", Location(source.name)) from None
        raise LoadError(f"cannot read: {exc.strerror}", Location(source.name)) from None
    if len(raw) > limits.max_file_bytes:
        raise LoadError(_too_big(len(raw), limits), Location(source.name))
    return decode(raw, source.name, "a Dockerfile" if source.dockerfile else "YAML")


def _too_big(size: int, limits: Limits) -> str:
    return (
        f"file is larger than the {limits.max_file_bytes // (1024 * 1024)} MiB limit "
        f"({size} bytes); raise it with --max-file-size"
    )
