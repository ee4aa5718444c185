"""Source texts -> the Kubernetes objects of one side, keyed by (group, kind, namespace, name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from kgen.diff.result import ObjectKey
from kgen.errors import KgenError, LoadError, Location
from kgen.load.yamlload import Document, load_text
from kgen.model.k8s import api_group


@dataclass(frozen=True)
class SourceObject:
    """One object as read: its key, apiVersion, data, and where it starts."""

    key: ObjectKey
    api_version: str
    data: Mapping[str, Any]
    location: Location


@dataclass(frozen=True)
class Side:
    """All objects of one side of a diff, and how many documents were not objects."""

    objects: Mapping[ObjectKey, SourceObject]
    ignored: int


def read_side(texts: Mapping[str, str], label: str) -> Side:
    """Every object in ``texts`` (source name -> YAML text), in source-name order.

    A text that does not parse raises its LoadError (file:line:col). Documents
    without a string ``apiVersion`` and ``kind`` are counted, not kept;
    ``kind: List`` documents contribute their items. Two objects with one key
    raise a KgenError naming both places; ``label`` (old, new) says which side.
    """
    objects: dict[ObjectKey, SourceObject] = {}
    ignored = 0
    for name in sorted(texts):
        for found in _objects_of(texts[name], name):
            if found is None:
                ignored += 1
                continue
            first = objects.get(found.key)
            if first is not None:
                raise KgenError(
                    f"{found.key.display()} is defined twice on the {label} side "
                    f"(first at {first.location}); an object can be applied only once",
                    found.location,
                )
            objects[found.key] = found
    return Side(objects, ignored)


def _objects_of(text: str, source: str) -> Iterator[SourceObject | None]:
    for document in load_text(text, source):
        if isinstance(document, LoadError):
            raise document
        yield from _expand(document, document.data, ())


def _expand(document: Document, data: Any, path: tuple[str | int, ...]) -> Iterator[SourceObject | None]:
    if not _is_object(data):
        yield None
        return
    kind = data["kind"]
    items = data.get("items")
    if kind == "List" or (kind.endswith("List") and isinstance(items, list)):
        for index, item in enumerate(items if isinstance(items, list) else []):
            yield from _expand(document, item, path + ("items", index))
        return
    metadata = data.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    key = ObjectKey(
        group=api_group(data["apiVersion"]),
        kind=kind,
        namespace=_text(metadata.get("namespace")),
        name=_text(metadata.get("name")),
    )
    yield SourceObject(key, data["apiVersion"], data, document.location(path))


def _is_object(data: Any) -> bool:
    return (
        isinstance(data, Mapping)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
        and bool(data["kind"])
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
