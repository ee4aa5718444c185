"""Risk notes: what applying a change may do that a plain diff does not say.

Each rule takes the pair of objects (and the field changes found) and yields
``(path, reason)``; ``assess`` stamps the rule's code (the key in ``RULES``),
drops notes on ignored fields and orders them. Adding a rule means one
function and one entry in ``RULES``.

Notes about workloads (containers, replicas, selectors) read the pair's
``WorkloadShape``: a kind declared in ``.kgen.yaml`` ``workloads:`` gets the
same notes as a Deployment, at the paths its shape names.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Iterator, Optional

from kgen.diff import risks_availability as availability
from kgen.diff import risks_config as config
from kgen.diff import risks_security as security
from kgen.diff.paths import ANY, Item, Path, PatternPath, covers, format_path, path_sort_key
from kgen.diff.result import FieldChange, ObjectKey, Risk
from kgen.diff.trees import Trees
from kgen.model.k8s import (
    BUILTIN_SHAPES,
    PROBE_DEFAULTS,
    ContainerRef,
    WorkloadShape,
    containers,
    format_field_path,
    is_builtin_group,
    parse_image,
)
from kgen.model.quantity import QuantityError, parse_quantity

Note = tuple[Path, str]


@dataclass(frozen=True)
class Pair:
    """The two sides of one object: ``old`` is None when added, ``new`` when removed."""

    key: ObjectKey
    old: Optional[Mapping[str, Any]]
    new: Optional[Mapping[str, Any]]
    changes: tuple[FieldChange, ...] = ()
    shape: Optional[WorkloadShape] = None  # where its pod spec, replicas and selector live, if a workload
    trees: Optional[Trees] = None  # both whole sides, for notes that look at other objects

    @property
    def declared(self) -> bool:
        """A workload kind taught by the config, not one Kubernetes serves."""
        builtin = self.key.kind in BUILTIN_SHAPES and is_builtin_group(self.key.kind, self.key.group)
        return self.shape is not None and not builtin


# --- immutable fields -------------------------------------------------------


@dataclass(frozen=True)
class Immutable:
    """A field the API server refuses to change (or, with ``allowed``, a part
    of which only the ``allowed`` fields may change)."""

    scope: PatternPath
    reason: str  # formatted with {field} and {kind}
    allowed: tuple[PatternPath, ...] = ()
    when: Optional[Callable[[Mapping[str, Any]], bool]] = None  # condition on the old object


_RECREATE = "the apply is rejected; delete and recreate the {kind}"


def _is_immutable(obj: Mapping[str, Any]) -> bool:
    return obj.get("immutable") is True


def _fields(*paths: str, reason: str) -> tuple[Immutable, ...]:
    return tuple(Immutable(tuple(path.split(".")), reason) for path in paths)


def _when_marked_immutable(kind: str, *paths: str) -> tuple[Immutable, ...]:
    """Fields of a ConfigMap or Secret that the old side marks ``immutable: true``."""
    reason = (
        "{field} of a " + kind + " marked immutable cannot change: the apply is rejected; "
        "create it under a new name"
    )
    return tuple(Immutable(tuple(path.split(".")), reason, when=_is_immutable) for path in paths)


_SELECTOR = _fields("spec.selector", reason="{field} is immutable: " + _RECREATE + " (its pods are replaced)")

_IMMUTABLE: dict[tuple[str, str], tuple[Immutable, ...]] = {
    ("apps", "Deployment"): _SELECTOR,
    ("apps", "ReplicaSet"): _SELECTOR,
    ("apps", "DaemonSet"): _SELECTOR,
    ("apps", "StatefulSet"): (
        Immutable(
            ("spec",),
            "{field} is immutable on a StatefulSet: the apply is rejected; delete the "
            "StatefulSet with --cascade=orphan (its pods and claims stay) and recreate it",
            allowed=tuple(
                ("spec", name)
                for name in (
                    "replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
                    "persistentVolumeClaimRetentionPolicy", "minReadySeconds",
                )
            ),
        ),
    ),
    ("batch", "Job"): _fields(
        "spec.selector", "spec.template", "spec.completionMode", "spec.podFailurePolicy",
        "spec.backoffLimitPerIndex",
        reason="{field} is immutable on a Job: " + _RECREATE + " (it runs again)",
    ),
    ("", "Service"): _fields(
        "spec.clusterIP", "spec.clusterIPs",
        reason="{field} is immutable on a Service: " + _RECREATE + " (clients see a new IP)",
    ),
    ("", "PersistentVolumeClaim"): (
        Immutable(
            ("spec",),
            "{field} is immutable on a PersistentVolumeClaim: the apply is rejected; "
            "a new claim means a new volume",
            allowed=(("spec", "resources", "requests"), ("spec", "volumeAttributesClassName")),
        ),
    ),
    ("", "ConfigMap"): _when_marked_immutable("ConfigMap", "data", "binaryData", "immutable"),
    ("", "Secret"): (
        *_fields("type", reason="{field} is immutable on a Secret: " + _RECREATE),
        *_when_marked_immutable("Secret", "data", "stringData", "immutable"),
    ),
    ("rbac.authorization.k8s.io", "RoleBinding"): _fields("roleRef", reason="{field} is immutable: " + _RECREATE),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _fields("roleRef", reason="{field} is immutable: " + _RECREATE),
    ("storage.k8s.io", "StorageClass"): _fields(
        "provisioner", "parameters", "reclaimPolicy", "volumeBindingMode",
        reason="{field} is immutable on a StorageClass: " + _RECREATE,
    ),
    ("", "Pod"): (
        Immutable(
            ("spec",),
            "{field} cannot change on a running Pod: " + _RECREATE,
            allowed=(
                ("spec", "containers", ANY, "image"),
                ("spec", "initContainers", ANY, "image"),
                ("spec", "activeDeadlineSeconds"),
                ("spec", "terminationGracePeriodSeconds"),
                ("spec", "tolerations"),
            ),
        ),
    ),
}


def _immutable_fields(pair: Pair) -> Iterator[Note]:
    if pair.old is None or pair.new is None:
        return
    seen: set[Path] = set()
    for rule in _IMMUTABLE.get((pair.key.group, pair.key.kind), ()):
        if rule.when is not None and not rule.when(pair.old):
            continue
        for change in pair.changes:
            if not covers(rule.scope, change.path):
                continue
            if any(covers(allowed, change.path) for allowed in rule.allowed):
                continue
            field = change.path[: len(rule.scope) + (1 if rule.allowed else 0)]
            if field not in seen:
                seen.add(field)
                yield field, rule.reason.format(field=format_path(field), kind=pair.key.kind)


def _selector_changed(pair: Pair) -> Iterator[Note]:
    """A declared kind's selector: the API server enforces nothing the CRD does not say, but the pods
    the old selector chose stop being the workload's (built-in kinds are in ``_IMMUTABLE``)."""
    if pair.old is None or pair.new is None or pair.shape is None or not pair.declared:
        return
    path = pair.shape.selector_path
    if path is None or not any(change.path[: len(path)] == path for change in pair.changes):
        return
    yield path, (
        f"{format_field_path(path)} changed on a {pair.key.kind}: the pods the old selector chose are "
        "no longer its own and are left running, not replaced (or the apply is rejected, where the "
        "kind makes its selector immutable as a Deployment does)"
    )


def _storage_request_lowered(pair: Pair) -> Iterator[Note]:
    if (pair.key.group, pair.key.kind) != ("", "PersistentVolumeClaim"):
        return
    path: Path = ("spec", "resources", "requests", "storage")
    old, new = _get(pair.old, path), _get(pair.new, path)
    old_value, new_value = _quantity(old), _quantity(new)
    if old_value is not None and new_value is not None and new_value < old_value:
        yield path, (
            f"storage request lowered {old} → {new}: the apply is rejected; "
            "a claim's storage request can only grow"
        )


# --- removed objects --------------------------------------------------------

_REMOVAL_CONSEQUENCE = {
    ("", "Namespace"): "deleting a Namespace deletes every object in it",
    ("apiextensions.k8s.io", "CustomResourceDefinition"): (
        "deleting a CustomResourceDefinition deletes every resource of its kind"
    ),
    ("", "PersistentVolumeClaim"): (
        "deleting a claim can delete its volume and the data on it (reclaimPolicy Delete)"
    ),
    ("", "PersistentVolume"): "deleting a volume can delete the data on it (reclaimPolicy Delete)",
}


def _object_removed(pair: Pair) -> Iterator[Note]:
    if pair.new is not None:
        return
    reason = "object removed: kubectl apply --prune, Argo CD and Flux delete it from the cluster"
    consequence = _REMOVAL_CONSEQUENCE.get((pair.key.group, pair.key.kind))
    yield (), f"{reason}; {consequence}" if consequence else reason


# --- containers: memory, probes, images ------------------------------------


@dataclass(frozen=True)
class _Container:
    path: Path  # pod spec path + (section, Item(name))
    name: str
    old: Optional[Mapping[str, Any]]
    new: Mapping[str, Any]


def _container_pairs(pair: Pair) -> Iterator[_Container]:
    """Each container on the new side with its namesake on the old side (if any)."""
    if pair.new is None or pair.shape is None:
        return
    spec_path = pair.shape.pod_spec_path
    old_refs: dict[tuple[str, str], ContainerRef] = {}
    if pair.old is not None:
        old_refs = {(ref.section, ref.name): ref for ref in containers(_get(pair.old, spec_path), spec_path)}
    for ref in containers(_get(pair.new, spec_path), spec_path):
        old = old_refs.get((ref.section, ref.name))
        yield _Container(spec_path + (ref.section, Item(ref.name)), ref.name, old.data if old else None, ref.data)


def _memory_limit_lowered(pair: Pair) -> Iterator[Note]:
    path: Path = ("resources", "limits", "memory")
    for container in _container_pairs(pair):
        if container.old is None:
            continue
        old, new = _get(container.old, path), _get(container.new, path)
        old_value, new_value = _quantity(old), _quantity(new)
        if new_value is None:
            continue
        if old is None:
            yield container.path + path, (
                f"container {container.name}: memory limit {new} set where there was none; "
                "the container is OOM-killed when it uses more"
            )
        elif old_value is not None and new_value < old_value:
            yield container.path + path, (
                f"container {container.name}: memory limit lowered {old} → {new}; "
                "the container is OOM-killed when it uses more"
            )


#: Kubernetes defaults for unset probe fields.
_PROBE_EFFECT = {
    "livenessProbe": "Kubernetes restarts the container",
    "readinessProbe": "the pod is taken out of its Services",
    "startupProbe": "Kubernetes restarts the container before it has started",
}


def _probe_stricter(pair: Pair) -> Iterator[Note]:
    for container in _container_pairs(pair):
        if container.old is None:
            continue
        has_startup = isinstance(container.new.get("startupProbe"), Mapping)
        for probe, effect in _PROBE_EFFECT.items():
            old, new = container.old.get(probe), container.new.get(probe)
            if not isinstance(new, Mapping):
                continue
            where = container.path + (probe,)
            if old is None:
                yield where, (
                    f"container {container.name}: {probe} added where there was none; "
                    f"when it fails, {effect}"
                )
                continue
            if not isinstance(old, Mapping):
                continue
            aspects = list(_stricter_aspects(old, new, check_delay=probe == "startupProbe" or not has_startup))
            if aspects:
                yield where, (
                    f"container {container.name}: {probe} stricter: {', '.join(aspects)}; "
                    f"slow responses fail it sooner, and then {effect}"
                )


def _stricter_aspects(old: Mapping[str, Any], new: Mapping[str, Any], check_delay: bool) -> Iterator[str]:
    old_window, new_window = _failure_window(old), _failure_window(new)
    if _lowered(old_window, new_window):
        yield f"failure window {old_window}s → {new_window}s (failureThreshold × periodSeconds)"
    old_timeout, new_timeout = _probe_int(old, "timeoutSeconds"), _probe_int(new, "timeoutSeconds")
    if _lowered(old_timeout, new_timeout):
        yield f"timeoutSeconds {old_timeout} → {new_timeout}"
    old_delay, new_delay = _probe_int(old, "initialDelaySeconds"), _probe_int(new, "initialDelaySeconds")
    if check_delay and _lowered(old_delay, new_delay):
        yield f"initialDelaySeconds {old_delay} → {new_delay} with no startupProbe"


def _failure_window(probe: Mapping[str, Any]) -> Optional[int]:
    """Seconds of failing checks before the probe gives up: failureThreshold × periodSeconds."""
    period, threshold = _probe_int(probe, "periodSeconds"), _probe_int(probe, "failureThreshold")
    return period * threshold if period is not None and threshold is not None else None


def _lowered(old: Optional[int], new: Optional[int]) -> bool:
    return old is not None and new is not None and new < old


def _probe_int(probe: Mapping[str, Any], field: str) -> Optional[int]:
    value = probe.get(field, PROBE_DEFAULTS[field])
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _mutable_image_tag(pair: Pair) -> Iterator[Note]:
    for container in _container_pairs(pair):
        image = container.new.get("image")
        if not isinstance(image, str) or (container.old is not None and container.old.get("image") == image):
            continue
        ref = parse_image(image)
        if not ref.mutable():
            continue
        if ref.tag is None:
            yield container.path + ("image",), (
                f"container {container.name}: image {image} has no tag, which means latest; "
                "what runs can change without a manifest change (pin a version or a digest)"
            )
        else:
            yield container.path + ("image",), (
                f"container {container.name}: image {image} uses the mutable tag latest; "
                "what runs can change without a manifest change (pin a version or a digest)"
            )


# --- replicas ---------------------------------------------------------------


def _replicas_lowered(pair: Pair) -> Iterator[Note]:
    if pair.old is None or pair.new is None or pair.shape is None or pair.shape.replicas_path is None:
        return
    path: Path = pair.shape.replicas_path
    old, new = _int_or_default(pair.old, path, 1), _int_or_default(pair.new, path, 1)
    if _lowered(old, new) and not (new == 1 and old is not None and old > 1):  # that is replicas-to-one
        unset = " (unset means 1: kubectl apply scales down until an autoscaler acts)" if _get(pair.new, path) is None else ""
        yield path, f"replicas lowered {old} → {new}{unset}; fewer pods serve after the apply"


def _hpa_bounds_lowered(pair: Pair) -> Iterator[Note]:
    if pair.old is None or pair.new is None:
        return
    if (pair.key.group, pair.key.kind) != ("autoscaling", "HorizontalPodAutoscaler"):
        return
    for field, default, effect in (
        ("minReplicas", 1, "the autoscaler may run fewer pods at quiet times"),
        ("maxReplicas", None, "the autoscaler can no longer scale as far under load"),
    ):
        path: Path = ("spec", field)
        old, new = _int_or_default(pair.old, path, default), _int_or_default(pair.new, path, default)
        if _lowered(old, new):
            yield path, f"{field} lowered {old} → {new}; {effect}"


# --- the table and the engine ----------------------------------------------

RiskRule = Callable[[Pair], Iterable[Note]]


def _either(*rules: RiskRule) -> RiskRule:
    """One code raised from either side of a relation (a Service and the workloads it selects)."""

    def rule(pair: Pair) -> Iterator[Note]:
        for each in rules:
            yield from each(pair)

    return rule


#: Risk code -> rule, the gravest first (notes print in this order): an apply
#: that is rejected or deletes, then traffic that goes nowhere, then more power
#: to pods and clients, then lost capacity and protection, then the rest. The
#: code is stable: JSON output and scripts cite it.
RULES: dict[str, RiskRule] = {
    "object-removed": _object_removed,
    "immutable-field": _immutable_fields,
    "selector-changed": _selector_changed,
    "storage-request-lowered": _storage_request_lowered,
    "service-selector-orphaned": _either(
        availability.service_selector_orphaned, availability.service_orphaned_by_workload
    ),
    "service-port-removed": availability.service_port_removed,
    "privileged-added": security.privileged_added,
    "host-access-added": security.host_access_added,
    "rbac-widened": security.rbac_widened,
    "capability-added": security.capability_added,
    "run-as-root-allowed": security.run_as_root_allowed,
    "networkpolicy-removed": security.networkpolicy_removed,
    "networkpolicy-widened": security.networkpolicy_widened,
    "replicas-to-one": availability.replicas_to_one,
    "hpa-removed": availability.hpa_removed,
    "rollout-capacity-loss": availability.rollout_capacity_loss,
    "readiness-probe-removed": availability.readiness_probe_removed,
    "pdb-removed": availability.pdb_removed,
    "pdb-blocks-eviction": _either(availability.pdb_blocks_eviction, availability.pdb_blocks_after_scale),
    "memory-limit-lowered": _memory_limit_lowered,
    "probe-stricter": _probe_stricter,
    "replicas-lowered": _replicas_lowered,
    "hpa-bounds-lowered": _hpa_bounds_lowered,
    "config-changed-not-rolled": config.config_changed_not_rolled,
    "mutable-image-tag": _mutable_image_tag,
}


def assess(pair: Pair, ignores: Iterable[PatternPath]) -> tuple[Risk, ...]:
    """Every risk note on a pair, none on an ignored field; in ``RULES`` order
    (the gravest first), then by path."""
    patterns = tuple(ignores)
    found = [
        (rank, Risk(code, path, reason))
        for rank, (code, rule) in enumerate(RULES.items())
        for path, reason in rule(pair)
        if not (path and any(covers(pattern, path) for pattern in patterns))
    ]
    found.sort(key=lambda entry: (entry[0], path_sort_key(entry[1].path)))
    return tuple(risk for _, risk in found)


# --- helpers ----------------------------------------------------------------


def _get(data: Any, path: Iterable[Any]) -> Any:
    node = data
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _quantity(value: Any) -> Optional[Fraction]:
    if value is None:
        return None
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def _int_or_default(data: Any, path: Path, default: Optional[int]) -> Optional[int]:
    value = _get(data, path)
    if value is None:
        return default
    return value if isinstance(value, int) and not isinstance(value, bool) else None
