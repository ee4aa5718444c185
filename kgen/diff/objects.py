"""Source texts -> the Kubernetes objects of one side, keyed by (group, kind, namespace, name)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.diff.result import ObjectKey
from kgen.errors import KgenError, LoadError, Location
from kgen.load.yamlload import Document, load_text
from kgen.model.k8s import api_group, objects_in


@dataclass(frozen=True)
class SourceObject:
    """One object as read: its key, apiVersion, data, and where it starts."""

    key: ObjectKey
    api_version: str
    data: Mapping[str, Any]
    location: Location
    file: str = ""  # relative to the side's root


@dataclass(frozen=True)
class Side:
    """All objects of one side of a diff, and how many documents were not objects."""

    objects: Mapping[ObjectKey, SourceObject]
    ignored: int


def read_side(texts: Mapping[str, str], label: str, root: str = "") -> list[SourceObject | None]:
    """Every object in ``texts`` (source name -> YAML text), in source-name order.

    A text that does not parse raises its LoadError (file:line:col). Documents
    without a string ``apiVersion`` and ``kind`` are counted (as None), not
    kept; ``kind: List`` documents contribute their items. ``root`` is the
    side's folder: objects remember their file relative to it.
    """
    found: list[SourceObject | None] = []
    for name in sorted(texts):
        relative = _relative(name, root)
        for item in _objects_of(texts[name], name):
            found.append(None if item is None else replace(item, file=relative))
    return found


def pair_sides(old: list[SourceObject | None], new: list[SourceObject | None]) -> tuple[Side, Side]:
    """Key both sides. An object found twice on one side (the same object in
    several overlay folders) is keyed by its file too, on both sides, so
    copies pair up file by file; twice in one file is an error."""
    repeated = _repeated(old) | _repeated(new)
    return _side(old, repeated, "old"), _side(new, repeated, "new")


def _repeated(objects: list[SourceObject | None]) -> set[ObjectKey]:
    seen: set[ObjectKey] = set()
    again: set[ObjectKey] = set()
    for item in objects:
        if item is not None:
            (again if item.key in seen else seen).add(item.key)
    return again


def _side(objects: list[SourceObject | None], repeated: set[ObjectKey], label: str) -> Side:
    keyed: dict[ObjectKey, SourceObject] = {}
    ignored = 0
    for item in objects:
        if item is None:
            ignored += 1
            continue
        key = replace(item.key, file=item.file) if item.key in repeated else item.key
        first = keyed.get(key)
        if first is not None:
            raise KgenError(
                f"{item.key.display()} is defined twice in one file on the {label} side "
                f"(first at {first.location}); an object can be applied only once",
                item.location,
            )
        keyed[key] = replace(item, key=key)
    return Side(keyed, ignored)


def _relative(name: str, root: str) -> str:
    if root and name.startswith(root.rstrip("/") + "/"):
        return name[len(root.rstrip("/")) + 1 :]
    return name.rsplit("/", 1)[-1] if root else name


def _objects_of(text: str, source: str) -> Iterator[SourceObject | None]:
    for document in load_text(text, source, keep_nulls=False):
        if isinstance(document, LoadError):
            raise document
        yield from _expand(document, document.data, ())


def _expand(document: Document, data: Any, path: tuple[str | int, ...]) -> Iterator[SourceObject | None]:
    for where, found in objects_in(data, path):
        if found is None:
            yield None
            continue
        metadata = found.get("metadata")
        metadata = metadata if isinstance(metadata, Mapping) else {}
        key = ObjectKey(
            group=api_group(found["apiVersion"]),
            kind=found["kind"],
            namespace=_text(metadata.get("namespace")),
            name=_text(metadata.get("name")),
        )
        yield SourceObject(key, found["apiVersion"], found, document.location(where))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
