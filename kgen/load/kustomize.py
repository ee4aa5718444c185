"""Kustomize trees: which files are patches, not objects, and a kustomization's build.

A folder with a ``kustomization.yaml`` (or ``.yml``, or ``Kustomization``)
is a kustomization; the files it lists as patches (``patchesStrategicMerge``,
``patches[].path``, ``patchesJson6902[].path``, in a Kustomization or a
Component) are pieces to merge into objects, not objects: a strategic merge
patch is a partial object (no container image, no selector) and a JSON 6902
patch is a list of operations. Checked alone each would be reported as a
broken object, so they are skipped and counted; the objects they patch are
checked whole with ``kgen check --kustomize DIR``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable

from kgen.errors import LoadError
from kgen.load.discover import Source
from kgen.load.yamlload import Document, load_text

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
#: Fields that list other kustomizations (folders) whose patches count too.
_NESTED = ("resources", "bases", "components")
_MAX_BYTES = 1024 * 1024  # a kustomization is a short file; a bigger one is not read for patches


def kustomization_in(folder: str) -> str | None:
    """The kustomization file of a folder, if it has one (in kustomize's order of names)."""
    for name in KUSTOMIZATION_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def is_kustomization(source: Source) -> bool:
    """A kustomization file configures kustomize; it is not a manifest to check."""
    return source.path is not None and source.path.name in KUSTOMIZATION_NAMES


def read_kustomization(path: str) -> Document | None:
    """A kustomization file's document, or None when it cannot be read as one mapping."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_BYTES + 1)
        if len(raw) > _MAX_BYTES:
            return None
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    for document in load_text(text, path):
        if isinstance(document, LoadError) or not isinstance(document.data, dict):
            return None
        return document
    return None


def patch_paths(data: dict[str, Any]) -> list[str]:
    """The file paths a kustomization lists as patches (inline patches have none), as written."""
    found: list[str] = []
    for entry in _items(data.get("patchesStrategicMerge")):
        if isinstance(entry, str) and "\n" not in entry:  # not an inline patch
            found.append(entry)
    for key in ("patches", "patchesJson6902"):
        for entry in _items(data.get(key)):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                found.append(entry["path"])
    return found


def nested_folders(data: dict[str, Any]) -> list[str]:
    """Local entries of resources, bases and components, as written (files and URLs among them)."""
    return [entry for key in _NESTED for entry in _items(data.get(key)) if isinstance(entry, str) and "://" not in entry]


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass
class KustomizePatches:
    """The patch files of the kustomizations among and above the checked files."""

    patches: set[str] = field(default_factory=set)  # real paths
    skipped: int = 0
    _seen_folders: set[str] = field(default_factory=set)
    _read: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, sources: Iterable[Source]) -> "KustomizePatches":
        found = cls()
        for source in sources:
            if source.path is None:
                continue
            if is_kustomization(source):
                found._read_tree(os.path.dirname(os.path.realpath(source.path)))
            found._ancestors(os.path.dirname(os.path.realpath(source.path)))
        return found

    def skips(self, source: Source) -> bool:
        """Whether a source is left out: a kustomization file (not counted), or a patch (counted)."""
        if source.path is None:
            return False
        if is_kustomization(source):
            return True
        if self.patches and os.path.realpath(source.path) in self.patches:
            self.skipped += 1
            return True
        return False

    def _ancestors(self, folder: str) -> None:
        while folder not in self._seen_folders:
            self._seen_folders.add(folder)
            self._read_tree(folder)
            parent = os.path.dirname(folder)
            if parent == folder:
                return
            folder = parent

    def _read_tree(self, folder: str) -> None:
        """The patches of a folder's kustomization and of the kustomizations it builds on."""
        pending = [folder]
        while pending:
            current = pending.pop()
            if current in self._read:
                continue
            self._read.add(current)
            path = kustomization_in(current)
            document = read_kustomization(path) if path is not None else None
            if document is None:
                continue
            data = document.data
            for patch in patch_paths(data):
                self.patches.add(os.path.realpath(os.path.join(current, patch)))
            for entry in nested_folders(data):
                nested = os.path.realpath(os.path.join(current, entry))
                if os.path.isdir(nested):
                    pending.append(nested)
