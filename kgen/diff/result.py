"""What a diff produces: per object, the field changes and the risk notes.

Formatters see only these types. Values in a FieldChange are plain data as
the manifest spelled them (``512Mi``, not a number), Secret values already
replaced by ``REDACTED``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from kgen.diff.paths import Path, format_path
from kgen.errors import Location

#: Change of an object, and of a field inside it.
ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"

#: What a Secret value (or any redacted value) prints as.
REDACTED = "<redacted>"


@dataclass(frozen=True, order=True)
class ObjectKey:
    """What identifies an object in a cluster: its API group (not version), kind, namespace, name."""

    group: str
    kind: str
    namespace: str
    name: str
    #: Set only when one side holds several copies of the object (overlay folders):
    #: the file it is in, relative to its side's root, so copies pair up file by file.
    file: str = ""

    def display(self) -> str:
        """``apps/Deployment shop/web``; core-group kinds and cluster-scoped names go bare."""
        kind = f"{self.group}/{self.kind}" if self.group else self.kind
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{kind} {name}" + (f" (in {self.file})" if self.file else "")

    def as_dict(self) -> dict[str, str]:
        found = {"group": self.group, "kind": self.kind, "namespace": self.namespace, "name": self.name}
        if self.file:
            found["file"] = self.file
        return found


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: ``op`` is added, removed or changed.

    ``old`` is None when the field was added, ``new`` when it was removed.
    ``redacted``: the values hold Secret data and were replaced.
    """

    path: Path
    op: str
    old: Any = None
    new: Any = None
    redacted: bool = False

    @property
    def path_text(self) -> str:
        return format_path(self.path)


@dataclass(frozen=True)
class Risk:
    """A risk note: what the apply of this change may do, in one short reason.

    ``code`` is a stable id (``immutable-field``, ``object-removed``, ...);
    ``path`` the field it is about (empty for the whole object).
    """

    code: str
    path: Path
    reason: str

    @property
    def path_text(self) -> str:
        return format_path(self.path)


#: What a pod-template change does to the running pods (``Rollout.capacity``).
CAPACITY_KEPT = "kept"  # no pod stops before its replacement is ready
CAPACITY_REDUCED = "reduced"  # some pods are down at a time
CAPACITY_LOST = "lost"  # every pod is down at once (Recreate)
CAPACITY_DEFERRED = "deferred"  # nothing rolls now (OnDelete, paused, a ReplicaSet, a CronJob's next Jobs)
CAPACITY_UNKNOWN = "unknown"  # a declared kind's own strategy, or one that does not parse


@dataclass(frozen=True)
class Rollout:
    """A workload's pod template changed: which pods are replaced, and how.

    ``replicas`` is the new side's ``spec.replicas`` (1 when unset), None when
    an HPA manages it (``hpa``) or the kind has no replica count; ``because``
    names the ConfigMaps and Secrets (``ConfigMap app-config``, base names)
    when the template changed only through references to them (a renamed
    hash-suffixed object, Helm's ``checksum/*`` annotations); ``explains``
    the field changes that says so, which the text formats leave out.
    """

    workload: str  # "Deployment web"
    reason: str  # "3 replicas; RollingUpdate maxUnavailable 0, maxSurge 1: capacity kept"
    capacity: str
    strategy: str = ""  # RollingUpdate | Recreate | OnDelete | "" (none, or the kind's own)
    replicas: int | None = None
    hpa: bool = False
    because: tuple[str, ...] = ()
    explains: tuple[Path, ...] = ()
    action: str = "rolls the pods of"  # or "does not roll the pods of", "changes the next Jobs of"

    @property
    def text(self) -> str:
        """The one line the text and markdown formats print."""
        cause = f" (because {_and(self.because)} changed)" if self.because else ""
        return f"{self.action} {self.workload}{cause}: {self.reason}"


def _and(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class ObjectDiff:
    """One object that differs between the two sides."""

    key: ObjectKey
    change: str  # added | removed | changed
    old_api_version: str | None
    new_api_version: str | None
    old_source: Location | None
    new_source: Location | None
    changes: tuple[FieldChange, ...] = ()
    risks: tuple[Risk, ...] = ()
    content: Any = None  # the whole object (redacted) when added or removed
    #: A hash-suffixed ConfigMap or Secret paired with its namesake: the old name (``key`` is the new one).
    renamed_from: str | None = None
    rollout: Rollout | None = None  # when its pod template changed
    #: Of a renamed object: the workloads whose pod templates now point at the new name.
    rolls: tuple[ObjectKey, ...] = ()
    #: Field changes past the limit per object (kgen.diff.compare.MAX_CHANGES): counted, not listed.
    more_changes: int = 0

    @property
    def title(self) -> str:
        """``ConfigMap shop/app-config-7g2hb9kt54 → app-config-c8f4m2d9k7`` for a rename, else the key."""
        if self.renamed_from is None:
            return self.key.display()
        return f"{replace(self.key, name=self.renamed_from).display()} → {self.key.name}"


@dataclass(frozen=True)
class DiffResult:
    """Every object that differs, in key order, and counts of the rest."""

    objects: tuple[ObjectDiff, ...]
    unchanged: int
    ignored_old: int = 0  # documents without apiVersion/kind
    ignored_new: int = 0

    @property
    def changed(self) -> bool:
        """Whether any object is added, removed or changed."""
        return bool(self.objects)

    @property
    def risky(self) -> bool:
        """Whether any change carries a risk note."""
        return any(obj.risks for obj in self.objects)

    def count(self, change: str) -> int:
        return sum(1 for obj in self.objects if obj.change == change)

    @property
    def risk_count(self) -> int:
        return sum(len(obj.risks) for obj in self.objects)
