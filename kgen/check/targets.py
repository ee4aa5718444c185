"""What a rule looks at: the object, each pod spec, or each container.

Built once per object and shared by every rule (one extractor, no rule walks
the document itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.index import ObjectEntry, ObjectIndex
from kgen.check.policy import Policy
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import ContainerRef, WorkloadShape, containers, get_path


@dataclass(frozen=True)
class Target:
    """What one rule looks at: an object, a pod spec in it, or a container in that."""

    entry: ObjectEntry
    path: FieldPath  # where the target sits inside the object
    data: Any
    pod_spec: Mapping[str, Any] | None = None
    pod_spec_path: FieldPath | None = None
    container: ContainerRef | None = None

    @property
    def obj(self) -> Mapping[str, Any]:
        return self.entry.data

    @property
    def container_name(self) -> str:
        """The container's name (a Container target's); "" for other targets."""
        return self.container.name if self.container is not None else ""

    @property
    def kind(self) -> str:
        return self.entry.kind


@dataclass
class Context:
    """What a rule may read besides its target."""

    index: ObjectIndex
    kubernetes_version: str
    pod_security: str | None = None  # the Pod Security level .kgen.yaml selects (podSecurity), None: every level
    #: .kgen.yaml complete: true — the checked objects are the whole set, so a reference to a kind
    #: none of which was checked is missing too (otherwise the set may be partial and it is not judged).
    complete: bool = False
    #: .kgen.yaml images: image repository -> the Dockerfile that builds it (read by the image-* rules)
    images: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ObjectTargets:
    object: Target
    pod_spec: Target | None
    containers: tuple[Target, ...]
    run_to_completion: bool  # its kind runs to completion, or its pods' restartPolicy lets them end

    #: its kind's workload traits, with run-to-completion as its pods really run (a Pod that never restarts)
    traits: frozenset[str] = frozenset()
    group: str = ""  # its API group

    @property
    def shape_key(self) -> tuple[str, str, frozenset[str]]:
        """What decides which policies look at it: kind, API group and traits."""
        return (self.object.kind, self.group, self.traits)

    @classmethod
    def of(cls, entry: ObjectEntry) -> "ObjectTargets":
        obj_target = Target(entry, (), entry.data)
        group = entry.group
        path = entry.pod_spec_path
        spec = get_path(entry.data, path) if path is not None else None
        if path is None or not isinstance(spec, Mapping):
            return cls(obj_target, None, (), False, _traits(entry.workload, False), group)
        pod = Target(entry, path, spec, spec, path)
        found = tuple(
            Target(entry, ref.path, ref.data, spec, path, ref) for ref in containers(spec, path)
        )
        shape = entry.workload
        finite = (shape is not None and shape.run_to_completion) or spec.get("restartPolicy") in ("Never", "OnFailure")
        return cls(obj_target, pod, found, finite, _traits(shape, finite), group)

    def applies(self, policy: Policy) -> bool:
        """Whether the policy looks at this object at all (its kinds, API group and workload traits)."""
        if not policy.applies_to_kind(self.object.kind, self.group):
            return False
        return not policy.traits or self.traits.issuperset(policy.traits)

    def for_policy(self, policy: Policy) -> Iterator[Target]:
        if self.applies(policy):
            yield from self.of_applying(policy)

    def of_applying(self, policy: Policy) -> Iterator[Target]:
        """``for_policy`` for a policy known to apply to this object's shape (see ``applies``)."""
        if policy.target == "Object":
            yield self.object  # a policy file names kinds or traits for an Object target (checked at load)
        elif policy.target == "PodSpec":
            if self.pod_spec is not None:
                yield self.pod_spec
        else:
            for target in self.containers:
                assert target.container is not None
                if policy.containers == "long-running" and (
                    self.run_to_completion or not target.container.long_running
                ):
                    continue
                yield target


def _traits(shape: WorkloadShape | None, finite: bool) -> frozenset[str]:
    if shape is None:
        return frozenset()
    if finite:
        return (shape.traits - {"long-running"}) | {"run-to-completion"}
    return shape.traits
