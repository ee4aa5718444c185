"""What a rule looks at: the object, each pod spec, or each container.

Built once per object and shared by every rule (one extractor, no rule walks
the document itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from kgen.check.index import ObjectEntry, ObjectIndex
from kgen.check.policy import Policy
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import RUN_TO_COMPLETION, ContainerRef, api_group, containers, get_path


@dataclass(frozen=True)
class Target:
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
    def kind(self) -> str:
        return self.entry.kind


@dataclass
class Context:
    """What a rule may read besides its target."""

    index: ObjectIndex
    kubernetes_version: str


@dataclass(frozen=True)
class ObjectTargets:
    object: Target
    pod_spec: Target | None
    containers: tuple[Target, ...]
    run_to_completion: bool

    @classmethod
    def of(cls, entry: ObjectEntry) -> "ObjectTargets":
        obj_target = Target(entry, (), entry.data)
        path = entry.pod_spec_path
        if path is None:
            return cls(obj_target, None, (), False)
        spec = get_path(entry.data, path)
        if not isinstance(spec, Mapping):
            return cls(obj_target, None, (), False)
        pod = Target(entry, path, spec, spec, path)
        found = tuple(
            Target(entry, ref.path, ref.data, spec, path, ref) for ref in containers(spec, path)
        )
        finite = entry.kind in RUN_TO_COMPLETION or spec.get("restartPolicy") in ("Never", "OnFailure")
        return cls(obj_target, pod, found, finite)

    def for_policy(self, policy: Policy) -> Iterator[Target]:
        if not policy.applies_to_kind(self.object.kind, api_group(self.object.obj.get("apiVersion"))):
            return
        if policy.target == "Object":
            if policy.kinds:
                yield self.object
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
