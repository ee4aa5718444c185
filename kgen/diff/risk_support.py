"""What the risk-note families share: reading the pod specs and containers of a
pair, the path segment of a list item, small readers of untyped data.

The pair is passed in; this module does not import ``risks`` (which imports
the families), so ``Pair`` appears in annotations only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional

from kgen.diff.normalize import NamedList, normalize
from kgen.diff.paths import Item, Path, Segment
from kgen.diff.result import ObjectKey
from kgen.model.k8s import containers, get_path

if TYPE_CHECKING:
    from kgen.diff.risks import Pair

Note = tuple[Path, str]


@dataclass(frozen=True)
class PodSpecs:
    """The pod spec on each side of a workload pair, and where it lives."""

    path: Path
    old: Optional[Mapping[str, Any]]  # None when the workload is new
    new: Mapping[str, Any]


def pod_specs(pair: Pair) -> Optional[PodSpecs]:
    """The pod specs of a workload pair whose new side exists."""
    if pair.new is None or pair.shape is None:
        return None
    path: Path = pair.shape.pod_spec_path
    new = get_path(pair.new, pair.shape.pod_spec_path)
    if not isinstance(new, Mapping):
        return None
    old = get_path(pair.old, pair.shape.pod_spec_path) if pair.old is not None else None
    return PodSpecs(path, old if isinstance(old, Mapping) else None, new)


@dataclass(frozen=True)
class ContainerPair:
    """A container of the new side and its namesake on the old side (None if it is new)."""

    path: Path  # pod spec path + (section, Item(name))
    name: str
    old: Optional[Mapping[str, Any]]
    new: Mapping[str, Any]


def container_pairs(specs: PodSpecs) -> Iterator[ContainerPair]:
    old = {(ref.section, ref.name): ref.data for ref in containers(specs.old, ())} if specs.old else {}
    for ref in containers(specs.new, ()):
        yield ContainerPair(specs.path + (ref.section, Item(ref.name)), ref.name, old.get((ref.section, ref.name)), ref.data)


def item_segment(items: list[Any], index: int, key: str) -> Segment:
    """How the diff names ``items[index]`` of a list held under ``key``: ``[web]`` for a named
    list, ``[8080/TCP]`` for ports without names, else the index (as ``normalize`` keys it)."""
    keyed = normalize({key: items}, "", ()).get(key)
    if isinstance(keyed, NamedList) and len(keyed) == len(items):
        return Item(list(keyed)[index])
    return index


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def integer(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def strings(values: Any) -> list[str]:
    return [value for value in items(values) if isinstance(value, str)]


def display(key: ObjectKey) -> str:
    """``Deployment shop/web`` (the group left out: notes name objects the reviewer knows by kind)."""
    return f"{key.kind} {key.namespace}/{key.name}" if key.namespace else f"{key.kind} {key.name}"


def names(keys: Iterable[ObjectKey]) -> str:
    return ", ".join(display(key) for key in sorted(set(keys)))


def labels_text(selector: Mapping[str, Any]) -> str:
    return ",".join(f"{key}={value}" for key, value in sorted(selector.items(), key=lambda kv: str(kv[0])))


def is_kind(pair: Pair, groups: tuple[str, ...], kind: str) -> bool:
    return pair.key.kind == kind and pair.key.group in groups
