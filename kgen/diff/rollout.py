"""What a pod-template change does to the running pods, and which template changes are only references.

Every changed workload whose pod template changed gets a ``Rollout``: how many
replicas (the new side's, or HPA-managed when an HPA of the new side targets
it) and whether the update strategy in force keeps capacity, as the
controllers compute it:

- Deployment ``RollingUpdate`` (defaults 25%/25%): ``maxUnavailable`` as a
  percent of replicas rounded down, ``maxSurge`` rounded up, and when both come
  to 0 one pod may be unavailable (the deployment controller's fenceposts);
  ``Recreate`` stops every pod first; ``spec.paused`` rolls nothing.
- StatefulSet ``RollingUpdate``: one pod at a time from the highest ordinal,
  each deleted before its replacement starts; only ordinals at or above
  ``partition`` roll; ``OnDelete`` rolls nothing until pods are deleted.
- DaemonSet ``RollingUpdate`` (``maxUnavailable`` 1, ``maxSurge`` 0 by
  default): with ``maxUnavailable`` 0 the new pod starts before the old one stops.
- A ReplicaSet or ReplicationController does not replace its pods; a CronJob's
  template is for the Jobs it starts next. A declared kind's strategy is its own.

A template change is *only a reference* when it is the name of a renamed
hash-suffixed ConfigMap or Secret (a ``configMap``/``secret`` volume, a
projected source, ``envFrom``, ``env[].valueFrom``, ``imagePullSecrets``) or
a Helm ``checksum/*`` annotation of the template. A workload whose template
changed only so says which ConfigMaps and Secrets made it roll, and the text
formats leave the reference lines out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Iterable, Optional

from kgen.model.numbers import scaled_value
from kgen.diff.objects import Side
from kgen.diff.paths import Item, Path
from kgen.diff.renames import GENERATED_KINDS, Renames, base_name
from kgen.diff.result import (
    ADDED,
    CAPACITY_DEFERRED,
    CAPACITY_KEPT,
    CAPACITY_LOST,
    CAPACITY_REDUCED,
    CAPACITY_UNKNOWN,
    CHANGED,
    REMOVED,
    FieldChange,
    ObjectDiff,
    ObjectKey,
    Rollout,
)
from kgen.model.k8s import BUILTIN_SHAPES, WorkloadIndex, WorkloadShape, get_path, is_builtin_group

#: Where each built-in kind keeps its update strategy, and the strategy it defaults to.
_STRATEGY_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "strategy"),
    "StatefulSet": ("spec", "updateStrategy"),
    "DaemonSet": ("spec", "updateStrategy"),
}

#: The field of a pod spec that names a ConfigMap or Secret -> (the kind it names, the key holding the name).
_REFERENCE_FIELDS: dict[str, tuple[str, str]] = {
    "configMap": ("ConfigMap", "name"),  # a volume, a projected source
    "configMapRef": ("ConfigMap", "name"),  # envFrom
    "configMapKeyRef": ("ConfigMap", "name"),  # env[].valueFrom
    "secret": ("Secret", "secretName"),  # a volume (a projected source says name)
    "secretRef": ("Secret", "name"),
    "secretKeyRef": ("Secret", "name"),
}

_CHECKSUM_PREFIX = "checksum/"


# --- capacity under the strategy in force ---------------------------------------------------


def plan(data: Mapping[str, Any], key: ObjectKey, shape: WorkloadShape, hpa: bool) -> Optional[Rollout]:
    """What a change of this workload's pod template does to its pods; None when the template
    cannot change in place (a Job's is immutable, a Pod has none)."""
    workload = f"{key.kind} {key.name}"
    builtin = key.kind in BUILTIN_SHAPES and is_builtin_group(key.kind, key.group)
    replicas = None if hpa else _replica_count(data, shape)
    count = _count(replicas, hpa)
    if builtin and key.kind in ("Job", "Pod"):
        return None
    if builtin and key.kind in ("ReplicaSet", "ReplicationController"):
        return Rollout(
            workload,
            f"{count}; a {key.kind} does not replace running pods: they keep the old template, and only "
            "pods it creates later (after a deletion, or scaling up) use the new one",
            CAPACITY_DEFERRED, replicas=replicas, hpa=hpa, action="does not roll the pods of",
        )
    if builtin and key.kind == "CronJob" or not builtin and shape.run_to_completion:
        runs = "Jobs" if builtin else "runs"
        return Rollout(
            workload,
            f"the {runs} it starts from now on use the new template; a running one keeps the old",
            CAPACITY_DEFERRED, action="does not roll the pods of",
        )
    if not builtin or key.kind not in _STRATEGY_PATHS:
        return Rollout(
            workload, f"{count}; its rollout strategy is the {key.kind}'s own (not assessed)",
            CAPACITY_UNKNOWN, replicas=replicas, hpa=hpa,
        )
    strategy = get_path(data, _STRATEGY_PATHS[key.kind])
    strategy = strategy if isinstance(strategy, Mapping) else {}
    kind_of = strategy.get("type", "RollingUpdate")
    rolling = strategy.get("rollingUpdate")
    rolling = rolling if isinstance(rolling, Mapping) else {}
    if key.kind == "Deployment":
        capacity, reason = _deployment(kind_of, rolling, replicas, data.get("spec"))
    elif key.kind == "StatefulSet":
        capacity, reason = _statefulset(kind_of, rolling, replicas)
    else:
        capacity, reason = _daemonset(kind_of, rolling)
        count = "one pod per node"
    action = "does not roll the pods of" if capacity == CAPACITY_DEFERRED else "rolls the pods of"
    return Rollout(
        workload, f"{count}; {reason}", capacity, strategy=str(kind_of), replicas=replicas, hpa=hpa, action=action
    )


def _deployment(kind: Any, rolling: Mapping[str, Any], replicas: Optional[int], spec: Any) -> tuple[str, str]:
    if isinstance(spec, Mapping) and spec.get("paused") is True:
        return CAPACITY_DEFERRED, "paused: nothing rolls until it is resumed"
    if kind == "Recreate":
        every = "its pods" if replicas is None else _pods(replicas)
        return CAPACITY_LOST, f"Recreate: all {every} stop before the new ones start"
    if kind != "RollingUpdate":
        return CAPACITY_UNKNOWN, f"strategy {kind} is not one Kubernetes knows"
    unavailable, surge = rolling.get("maxUnavailable", "25%"), rolling.get("maxSurge", "25%")
    head = f"RollingUpdate maxUnavailable {_written(unavailable)}, maxSurge {_written(surge)}"
    if replicas is not None and (isinstance(unavailable, str) or isinstance(surge, str)):
        down_at, up_at = _scaled(unavailable, replicas, False), _scaled(surge, replicas, True)
        head = (
            f"RollingUpdate maxUnavailable {_resolved(unavailable, down_at)}, maxSurge {_resolved(surge, up_at)}"
        )
    if replicas is None:  # HPA-managed: the count is the autoscaler's
        if _is_zero(unavailable):
            return CAPACITY_KEPT, f"{head}: capacity kept, new pods start before old ones stop"
        if _scaled(unavailable, 100, False) is None:
            return CAPACITY_UNKNOWN, f"{head}: maxUnavailable is not a number or a percentage"
        share = f"{unavailable} of its pods (rounded down)" if isinstance(unavailable, str) else _pods(unavailable)
        return CAPACITY_REDUCED, f"{head}: up to {share} down at a time"
    down, up = _scaled(unavailable, replicas, False), _scaled(surge, replicas, True)
    if down is None or up is None:
        return CAPACITY_UNKNOWN, f"{head}: not a number or a percentage"
    if down == 0 and up == 0:
        down = 1  # the controller lets one pod be unavailable rather than roll nothing
    if replicas == 0:
        return CAPACITY_KEPT, f"{head}: no pods run"
    if down == 0:
        return CAPACITY_KEPT, f"{head}: capacity kept, new pods start before old ones stop"
    return CAPACITY_REDUCED, f"{head}: up to {min(down, replicas)} of {replicas} pods down at a time"


def _statefulset(kind: Any, rolling: Mapping[str, Any], replicas: Optional[int]) -> tuple[str, str]:
    if kind == "OnDelete":
        return CAPACITY_DEFERRED, "OnDelete: nothing rolls until its pods are deleted"
    if kind != "RollingUpdate":
        return CAPACITY_UNKNOWN, f"updateStrategy {kind} is not one Kubernetes knows"
    partition = rolling.get("partition", 0)
    if not isinstance(partition, int) or isinstance(partition, bool) or partition < 0:
        return CAPACITY_UNKNOWN, f"RollingUpdate partition {_written(partition)} is not a number"
    limit = rolling.get("maxUnavailable")
    at_once = (
        "one pod at a time"
        if limit is None
        else f"maxUnavailable {_written(limit)} at a time (one, without the MaxUnavailableStatefulSet feature gate)"
    )
    head = f"RollingUpdate {at_once}, highest ordinal first, each pod stopped before its replacement starts"
    if partition:
        head = f"RollingUpdate partition {partition}: only ordinals ≥ {partition} roll, {at_once}"
    if replicas is None:
        return CAPACITY_REDUCED, f"{head}: capacity reduced while it rolls"
    if replicas == 0:
        return CAPACITY_KEPT, f"{head}: no pods run"
    if partition >= replicas:
        return CAPACITY_DEFERRED, f"{head}: no pod rolls ({replicas} replicas)"
    down = _scaled(limit if limit is not None else 1, replicas, False)
    if down is None:
        return CAPACITY_UNKNOWN, f"{head}: maxUnavailable is not a number or a percentage"
    return CAPACITY_REDUCED, f"{head}: {max(down, 1)} of {replicas} pods down at a time"


def _daemonset(kind: Any, rolling: Mapping[str, Any]) -> tuple[str, str]:
    if kind == "OnDelete":
        return CAPACITY_DEFERRED, "OnDelete: nothing rolls until its pods are deleted"
    if kind != "RollingUpdate":
        return CAPACITY_UNKNOWN, f"updateStrategy {kind} is not one Kubernetes knows"
    unavailable, surge = rolling.get("maxUnavailable", 1), rolling.get("maxSurge", 0)
    head = f"RollingUpdate maxUnavailable {_written(unavailable)}, maxSurge {_written(surge)}"
    if _scaled(unavailable, 100, True) is None or _scaled(surge, 100, True) is None:
        return CAPACITY_UNKNOWN, f"{head}: not a number or a percentage"
    if _is_zero(unavailable) and not _is_zero(surge):
        return CAPACITY_KEPT, f"{head}: capacity kept, each node's new pod starts before its old one stops"
    share = f"{unavailable} of the nodes (rounded up)" if isinstance(unavailable, str) else _nodes(unavailable)
    return CAPACITY_REDUCED, f"{head}: the pods of up to {share} down at a time"


def _replica_count(data: Mapping[str, Any], shape: WorkloadShape) -> Optional[int]:
    if shape.replicas_path is None:
        return None
    value = get_path(data, shape.replicas_path)
    if value is None:
        return 1
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _scaled(value: Any, total: int, round_up: bool) -> Optional[int]:
    """An int-or-percent field as a pod count (intstr.GetScaledValueFromIntOrPercent); None when invalid."""
    scaled = scaled_value(value, total, round_up)
    return scaled if scaled is None or scaled >= 0 else None


def _resolved(value: Any, count: Optional[int]) -> str:
    """``25% (0 pods)``: a percentage with the pod count it comes to; an integer as written."""
    if isinstance(value, str) and count is not None:
        return f"{value} ({_pods(count)})"
    return _written(value)


def _is_zero(value: Any) -> bool:
    return _scaled(value, 100, True) == 0


def _written(value: Any) -> str:
    return str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else repr(value)


def _count(replicas: Optional[int], hpa: bool) -> str:
    if hpa:
        return "HPA-managed"
    if replicas is None:
        return "replicas not a number"
    return "1 replica" if replicas == 1 else f"{replicas} replicas"


def _pods(count: int, adjective: str = "") -> str:
    word = f"{adjective} pod" if adjective else "pod"
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _nodes(count: int) -> str:
    return "1 node" if count == 1 else f"{count} nodes"


# --- references: what rolls because a ConfigMap or Secret changed ---------------------------


def references(pod_spec: Any) -> set[tuple[str, str]]:
    """Every (kind, name) of a ConfigMap or Secret a pod spec reads: volumes, projected sources,
    envFrom, env valueFrom, imagePullSecrets."""
    found: set[tuple[str, str]] = set()
    _walk(pod_spec, found)
    pulls = pod_spec.get("imagePullSecrets") if isinstance(pod_spec, Mapping) else None
    for item in pulls if isinstance(pulls, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            found.add(("Secret", item["name"]))
    return found


def _walk(node: Any, found: set[tuple[str, str]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, found)
        return
    if not isinstance(node, Mapping):
        return
    for field, child in node.items():
        if field in _REFERENCE_FIELDS and isinstance(child, Mapping):
            kind, name_key = _REFERENCE_FIELDS[field]
            name = child.get(name_key, child.get("name"))
            if isinstance(name, str):
                found.add((kind, name))
        _walk(child, found)


def _reference_kind(path: Path) -> Optional[str]:
    """The kind a changed field names when it is a ConfigMap or Secret name inside a pod spec."""
    if len(path) >= 2 and isinstance(path[-2], str) and path[-2] in _REFERENCE_FIELDS:
        kind, name_key = _REFERENCE_FIELDS[path[-2]]
        if path[-1] in (name_key, "name"):
            return kind
    return None


def annotate(
    objects: Iterable[ObjectDiff], new: Side, renames: Renames, workloads: WorkloadIndex
) -> tuple[ObjectDiff, ...]:
    """Every changed workload whose pod template changed gets its Rollout; every renamed ConfigMap
    or Secret the workloads that now point at its new name."""
    found = list(objects)
    changed = _changed_configs(found)
    targets = _hpa_targets(new)
    renamed_names = renames.by_old_name()
    rolled_by: dict[ObjectKey, list[ObjectKey]] = {}
    for index, obj in enumerate(found):
        source = new.objects.get(obj.key)
        if obj.change != CHANGED or source is None:
            continue
        shape = workloads.shape(source.data)
        template = shape.template_path if shape is not None else None
        if shape is None or template is None:
            continue
        inside = [change for change in obj.changes if change.path[: len(template)] == template]
        if not inside:
            continue
        rollout = plan(source.data, obj.key, shape, (obj.key.namespace, obj.key.kind, obj.key.name) in targets)
        if rollout is None:
            continue
        causes: dict[str, None] = {}
        explained: list[Path] = []
        spec_reads = references(get_path(source.data, shape.pod_spec_path))
        for change in inside:
            cause = _renamed_reference(change, obj.key.namespace, renamed_names, inside)
            if cause is not None:
                kind, new_name = cause
                causes[f"{kind} {base_name(new_name) or new_name}"] = None
                explained.append(change.path)
                rolled_by.setdefault(ObjectKey("", kind, obj.key.namespace, new_name, obj.key.file), []).append(obj.key)
            elif _is_checksum(change.path, template):
                explained.append(change.path)
                read = sorted(
                    f"{kind} {renames.base(ObjectKey('', kind, '', name))}"
                    for kind, name in spec_reads
                    if (kind, obj.key.namespace, name, obj.key.file) in changed
                )
                for name in read or [f"its {change.path[-1]} annotation"]:
                    causes[name] = None
        if len(explained) == len(inside):
            rollout = replace(rollout, because=tuple(causes), explains=tuple(explained))
        found[index] = replace(obj, rollout=rollout)
    return tuple(
        replace(obj, rolls=tuple(sorted(set(rolled_by.get(obj.key, ())))))
        if obj.renamed_from is not None and obj.key in rolled_by
        else obj
        for obj in found
    )


def _renamed_reference(
    change: FieldChange, namespace: str, renamed: Mapping[tuple[str, str, str], str], siblings: list[FieldChange]
) -> Optional[tuple[str, str]]:
    """(kind, new name) when the change swaps the old name of a renamed object for its new one."""
    if change.op == CHANGED and isinstance(change.old, str) and isinstance(change.new, str):
        kind = _reference_kind(change.path)
        if kind is not None and renamed.get((kind, namespace, change.old)) == change.new:
            return kind, change.new
        return None
    # imagePullSecrets is a list keyed by name: a rename is one item removed and one added
    last = change.path[-1] if change.path else None
    if len(change.path) < 2 or change.path[-2] != "imagePullSecrets" or not isinstance(last, Item):
        return None
    for (kind, space, old_name), new_name in renamed.items():
        if kind != "Secret" or space != namespace:
            continue
        pair = {(REMOVED, old_name), (ADDED, new_name)}
        if (change.op, last.label) in pair:
            other = next(iter(pair - {(change.op, last.label)}))
            if any(s.op == other[0] and s.path == change.path[:-1] + (Item(other[1]),) for s in siblings):
                return "Secret", new_name
    return None


def _is_checksum(path: Path, template: tuple[Any, ...]) -> bool:
    head = tuple(template) + ("metadata", "annotations")
    return (
        len(path) == len(head) + 1
        and path[: len(head)] == head
        and isinstance(path[-1], str)
        and path[-1].startswith(_CHECKSUM_PREFIX)
    )


def _changed_configs(objects: list[ObjectDiff]) -> set[tuple[str, str, str, str]]:
    """(kind, namespace, name on the new side, file) of every ConfigMap and Secret that changed or was renamed."""
    return {
        (obj.key.kind, obj.key.namespace, obj.key.name, obj.key.file)
        for obj in objects
        if obj.key.group == "" and obj.key.kind in GENERATED_KINDS and obj.change == CHANGED
    }


def _hpa_targets(side: Side) -> set[tuple[str, str, str]]:
    """(namespace, kind, name) of every workload an HPA of this side scales."""
    found: set[tuple[str, str, str]] = set()
    for key, source in side.objects.items():
        if (key.group, key.kind) != ("autoscaling", "HorizontalPodAutoscaler"):
            continue
        target = get_path(source.data, ("spec", "scaleTargetRef"))
        if isinstance(target, Mapping) and isinstance(target.get("kind"), str) and isinstance(target.get("name"), str):
            found.add((key.namespace, target["kind"], target["name"]))
    return found
