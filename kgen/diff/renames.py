"""Hash-suffixed ConfigMaps and Secrets: the old and new object of one generator paired as a rename.

Kustomize's ``configMapGenerator`` and ``secretGenerator`` name what they make
``<name>-<hash>``: ten characters of the hex SHA-256 of the content with
``0 1 3 a e`` written ``g h k m t`` (kustomize ``api/hasher``), so the alphabet
is ``bcdfghkmt2456789``. A content change is a new name: one object removed,
one added. When exactly one removed and one added object of the same kind and
namespace (and file, for overlay copies) share the base name, they are the
same generated object renamed; with two candidates on either side nothing is
paired.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Optional

from kgen.diff.objects import Side
from kgen.diff.result import ObjectKey

#: Kinds a generator makes (core group).
GENERATED_KINDS = ("ConfigMap", "Secret")

_HASHED = re.compile(r"^(?P<base>.+)-[bcdfghkmt2456789]{10}$")


def base_name(name: str) -> Optional[str]:
    """``app-config-7g2hb9kt54`` -> ``app-config``; None when the name has no generator hash."""
    found = _HASHED.match(name)
    return found.group("base") if found else None


@dataclass(frozen=True)
class Renames:
    """The renamed pairs: new key -> old key, and each object's base name."""

    old_of: Mapping[ObjectKey, ObjectKey]

    @property
    def old_keys(self) -> frozenset[ObjectKey]:
        return frozenset(self.old_of.values())

    def by_old_name(self) -> dict[tuple[str, str, str], str]:
        """(kind, namespace, old name) -> new name."""
        return {(old.kind, old.namespace, old.name): new.name for new, old in self.old_of.items()}

    def base(self, key: ObjectKey) -> str:
        return base_name(key.name) or key.name


def find_renames(old: Side, new: Side) -> Renames:
    """Pair every hash-suffixed ConfigMap or Secret only on the old side with the one only on the
    new side that shares its kind, namespace, file and base name, when each is the only candidate."""
    removed = _candidates(key for key in old.objects if key not in new.objects)
    added = _candidates(key for key in new.objects if key not in old.objects)
    pairs: dict[ObjectKey, ObjectKey] = {}
    for group, olds in removed.items():
        news = added.get(group, [])
        if len(olds) == 1 and len(news) == 1:
            pairs[news[0]] = olds[0]
    return Renames(pairs)


def _candidates(keys: Iterable[ObjectKey]) -> dict[ObjectKey, list[ObjectKey]]:
    """Hash-suffixed generated objects grouped by their key with the base name."""
    groups: dict[ObjectKey, list[ObjectKey]] = defaultdict(list)
    for key in keys:
        if key.group != "" or key.kind not in GENERATED_KINDS:
            continue
        base = base_name(key.name)
        if base is not None:
            groups[replace(key, name=base)].append(key)
    return groups

