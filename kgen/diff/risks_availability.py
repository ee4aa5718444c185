"""Risk notes on availability: what makes pods stop serving, or drains hang.

Each rule takes a ``Pair`` (see ``risks``) and yields ``(path, reason)``;
rules that look at other objects (the workloads a Service or a budget
selects, the Ingresses that route to a Service) read ``pair.trees``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Iterator, Optional

from kgen.model.numbers import scaled_value as _scaled
from kgen.diff.paths import Path
from kgen.diff.risk_support import (
    Note,
    container_pairs,
    display,
    integer,
    is_kind,
    item_segment,
    items,
    labels_text,
    mapping,
    names,
    pod_specs,
)
from kgen.diff.result import ObjectKey
from kgen.diff.trees import Tree, Workload, selector_matches
from kgen.model.k8s import api_group, format_field_path, get_path, replica_count

if TYPE_CHECKING:
    from kgen.diff.risks import Pair

_POLICY = ("policy",)
_APPS = ("apps", "extensions")
_INGRESS_GROUPS = ("networking.k8s.io", "extensions")
_GATEWAY = "gateway.networking.k8s.io"
_ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute")


# --- PodDisruptionBudgets ---------------------------------------------------------


def pdb_removed(pair: Pair) -> Iterator[Note]:
    """A budget removed while the pods it covered stay: drains may evict them all at once."""
    if pair.new is not None or pair.old is None or not is_kind(pair, _POLICY, "PodDisruptionBudget"):
        return
    covered: list[ObjectKey] = []
    if pair.trees is not None:
        selector = get_path(pair.old, ("spec", "selector"))
        before = [w.key for w in pair.trees.old.workloads(pair.key.namespace) if selector_matches(selector, w.pod_labels)]
        covered = [key for key in before if pair.trees.new.workload(key) is not None]
        if before and not covered:
            return  # the workloads it protected go too: no pod is left unprotected
    whose = f"the pods of {names(covered)}" if covered else "the pods it covered"
    yield (), (
        f"PodDisruptionBudget removed: nothing limits voluntary evictions of {whose} any more; "
        "a node drain or cluster upgrade may evict them all at once"
    )


def pdb_blocks_eviction(pair: Pair) -> Iterator[Note]:
    """A budget (new or changed) that allows no eviction at all, where the old one allowed some."""
    if pair.new is None or pair.trees is None or not is_kind(pair, _POLICY, "PodDisruptionBudget"):
        return
    new = _blocking(pair.new, pair.trees.new, pair.key.namespace)
    if new is None:
        return
    if pair.old is not None and _blocking(pair.old, pair.trees.old, pair.key.namespace) is not None:
        return
    path, why = new
    yield path, f"{why}: evictions are refused, so node drains and cluster upgrades hang until they time out"


def pdb_blocks_after_scale(pair: Pair) -> Iterator[Note]:
    """A workload scaled down to where an unchanged budget over it allows no eviction."""
    if pair.old is None or pair.new is None or pair.trees is None or pair.shape is None:
        return
    if pair.shape.replicas_path is None or replica_count(pair.old, pair.shape) == replica_count(pair.new, pair.shape):
        return
    namespace = pair.key.namespace
    for key, budget in pair.trees.new.of_kind(namespace, "policy", "PodDisruptionBudget"):
        if pair.trees.old.objects.get(key) != budget:
            continue  # a changed budget is judged on its own pair
        selector = get_path(budget, ("spec", "selector"))
        workload = pair.trees.new.workload(pair.key)
        if workload is None or not selector_matches(selector, workload.pod_labels):
            continue
        new = _blocking(budget, pair.trees.new, namespace)
        if new is not None and _blocking(budget, pair.trees.old, namespace) is None:
            yield pair.shape.replicas_path, (
                f"{display(key)}: {new[1]}: evictions are refused, so node drains and cluster upgrades "
                "hang until they time out"
            )


def _blocking(budget: Mapping[str, Any], tree: Tree, namespace: str) -> Optional[tuple[Path, str]]:
    """Where and why a budget allows no disruption with every pod healthy; None if it allows one.

    The disruption controller allows ``healthy - desired`` evictions: desired is
    minAvailable (a percentage of the expected pods, rounded up) or expected minus
    maxUnavailable (rounded up too). So maxUnavailable 0 (or 0%) and minAvailable 100%
    block whatever the count; minAvailable N blocks when N reaches the pods the
    selected workloads ask for."""
    spec = mapping(budget.get("spec"))
    max_unavailable, min_available = spec.get("maxUnavailable"), spec.get("minAvailable")
    if max_unavailable is not None:
        if max_unavailable in (0, "0%"):
            return ("spec", "maxUnavailable"), f"maxUnavailable {max_unavailable}"
        return None
    if min_available is None:
        return None
    path: Path = ("spec", "minAvailable")
    if min_available == "100%":
        return path, "minAvailable 100%"
    selected = [w for w in tree.workloads(namespace) if selector_matches(spec.get("selector"), w.pod_labels)]
    counts = [_pod_count(w) for w in selected]
    if not selected or any(count is None for count in counts):
        return None  # how many pods it guards is not in the manifests (a DaemonSet, no workload here)
    expected = sum(count for count in counts if count is not None)
    desired = _scaled(min_available, expected, round_up=True)
    if desired is None or desired < expected:
        return None
    return path, f"minAvailable {min_available} with {expected} pod{'s' if expected != 1 else ''} ({names(w.key for w in selected)})"


def _pod_count(workload: Workload) -> Optional[int]:
    if workload.shape.replicas_path is not None:
        return replica_count(workload.data, workload.shape)
    return 1 if workload.shape.template_path is None else None  # a bare Pod is one pod




# --- probes and replicas ------------------------------------------------------------


def readiness_probe_removed(pair: Pair) -> Iterator[Note]:
    """Without a readiness probe a pod is Ready as soon as its containers start: it gets traffic
    before it can serve, and a rollout retires old pods as fast as new ones start."""
    specs = pod_specs(pair)
    if specs is None or specs.old is None:
        return
    for container in container_pairs(specs):
        if container.old is None or container.path[-2] == "initContainers" and container.new.get("restartPolicy") != "Always":
            continue
        if isinstance(container.old.get("readinessProbe"), Mapping) and container.new.get("readinessProbe") is None:
            yield container.path + ("readinessProbe",), (
                f"container {container.name}: readinessProbe removed; its pods count as ready once the "
                "container starts, so they get traffic before they can serve and a rollout does not wait for them"
            )


def replicas_to_one(pair: Pair) -> Iterator[Note]:
    """Several replicas down to one (written, or unset: the API default is 1)."""
    if pair.old is None or pair.new is None or pair.shape is None or pair.shape.replicas_path is None:
        return
    old, new = replica_count(pair.old, pair.shape), replica_count(pair.new, pair.shape)
    if old is not None and old > 1 and new == 1:
        unset = " (unset means 1)" if get_path(pair.new, pair.shape.replicas_path) is None else ""
        yield pair.shape.replicas_path, (
            f"replicas {old} → 1{unset}: a single pod serves, so every rollout, eviction or node failure "
            "interrupts it"
        )


def hpa_removed(pair: Pair) -> Iterator[Note]:
    """An autoscaler removed while its workload leaves replicas to it.

    No apply touches a field its manifest does not set: client-side apply removes only
    what the last-applied annotation held, server-side apply only fields it owns (the
    autoscaler wrote spec.replicas through the scale subresource). So the workload stays
    at the count the autoscaler last set, no longer follows load, and runs the API
    default of 1 pod wherever it is created anew."""
    if pair.new is not None or pair.old is None or pair.trees is None:
        return
    if not is_kind(pair, ("autoscaling",), "HorizontalPodAutoscaler"):
        return
    target = mapping(get_path(pair.old, ("spec", "scaleTargetRef")))
    kind, name = target.get("kind"), target.get("name")
    if not isinstance(kind, str) or not isinstance(name, str):
        return
    key = ObjectKey(api_group(target.get("apiVersion")), kind, pair.key.namespace, name)
    workload = pair.trees.new.workload(key)
    if workload is None or workload.shape.replicas_path is None:
        return
    if get_path(workload.data, workload.shape.replicas_path) is not None:
        return
    yield (), (
        f"HorizontalPodAutoscaler removed while {display(key)} sets no "
        f"{format_field_path(workload.shape.replicas_path)}: nothing scales it any more; it keeps the count "
        "the autoscaler last set, and runs 1 pod (the default) wherever it is created anew"
    )


# --- Services -------------------------------------------------------------------------


def _service_selector(service: Optional[Mapping[str, Any]]) -> Mapping[str, Any]:
    """The selector that chooses a Service's endpoints ({} for ExternalName or manual endpoints)."""
    if service is None or get_path(service, ("spec", "type")) == "ExternalName":
        return {}
    return mapping(get_path(service, ("spec", "selector")))


def service_selector_orphaned(pair: Pair) -> Iterator[Note]:
    """A Service (changed or added) whose selector picks no pod of the new tree, where the old one did
    (or, for a new Service, where its namespace has workloads)."""
    if pair.new is None or pair.trees is None or not is_kind(pair, ("",), "Service"):
        return
    selector = _service_selector(pair.new)
    namespace = pair.key.namespace
    if not selector or pair.trees.new.selected(namespace, selector):
        return
    if pair.old is not None:
        old_selector = _service_selector(pair.old)
        if not old_selector or not pair.trees.old.selected(namespace, old_selector):
            return  # it selected no pod of these manifests before either: its pods live elsewhere
    elif not pair.trees.new.workloads(namespace):
        return
    yield ("spec", "selector"), (
        f"selector {labels_text(selector)} matches no pod: the Service has no endpoints and its "
        "clients get connection refused"
    )


def service_orphaned_by_workload(pair: Pair) -> Iterator[Note]:
    """A workload whose pods no longer carry the labels an unchanged Service selects, and no other does."""
    if pair.old is None or pair.trees is None or pair.shape is None:
        return
    before = pair.trees.old.workload(pair.key)
    if before is None:
        return
    namespace = pair.key.namespace
    after = pair.trees.new.workload(pair.key)
    if after is not None and after.pod_labels == before.pod_labels:
        return
    for key, service in pair.trees.new.of_kind(namespace, "", "Service"):
        selector = _service_selector(service)
        if not selector or pair.trees.old.objects.get(key) != service:
            continue  # a changed Service is judged on its own pair
        if not all(before.pod_labels.get(str(k)) == str(v) for k, v in selector.items()):
            continue
        if pair.trees.new.selected(namespace, selector):
            continue
        where: Path = (pair.shape.labels_path or ("metadata", "labels")) if after is not None else ()
        yield where, (
            f"{display(key)} selects {labels_text(selector)}, which no pod carries any more: it has no "
            "endpoints and its clients get connection refused"
        )


def service_port_removed(pair: Pair) -> Iterator[Note]:
    """A Service port (or the whole Service) removed while an Ingress or a Gateway API route of the
    new tree sends traffic to it: those requests fail at the proxy."""
    if pair.old is None or pair.trees is None or not is_kind(pair, ("",), "Service"):
        return
    routes = list(_routes_to(pair.trees.new, pair.key.namespace, pair.key.name))
    if not routes:
        return
    old_ports = items(get_path(pair.old, ("spec", "ports")))
    if pair.new is None:
        yield (), f"Service removed while {names(route for route, _ in routes)} route to it: those requests fail"
        return
    new_ports = items(get_path(pair.new, ("spec", "ports")))
    new_numbers = {integer(mapping(port).get("port")) for port in new_ports}
    new_names = {name for name in (mapping(port).get("name") for port in new_ports) if isinstance(name, str)}
    for index, port in enumerate(old_ports):
        number, name = integer(mapping(port).get("port")), mapping(port).get("name")
        users = sorted(
            {
                route
                for route, ref in routes
                if (ref is not None and ref == number and number not in new_numbers)
                or (ref is not None and isinstance(name, str) and ref == name and name not in new_names)
            }
        )
        if users:
            label = f"port {number}" + (f" ({name})" if isinstance(name, str) else "")
            yield ("spec", "ports", item_segment(old_ports, index, "ports")), (
                f"{label} removed while {names(users)} route{'s' if len(users) == 1 else ''} to it: "
                "those requests fail"
            )


def _routes_to(tree: Tree, namespace: str, service: str) -> Iterator[tuple[ObjectKey, Any]]:
    """(route, the port it names: a number, a name, or None) for every backend naming the Service."""
    for group in _INGRESS_GROUPS:
        for key, ingress in tree.of_kind(namespace, group, "Ingress"):
            spec = mapping(ingress.get("spec"))
            backends = [spec.get("defaultBackend"), spec.get("backend")]
            for rule in items(spec.get("rules")):
                backends += [mapping(path).get("backend") for path in items(get_path(rule, ("http", "paths")))]
            for backend in backends:
                backend = mapping(backend)
                if "service" in backend:  # networking.k8s.io/v1
                    ref = mapping(backend["service"])
                    if ref.get("name") == service:
                        port = mapping(ref.get("port"))
                        yield key, port.get("number", port.get("name"))
                elif backend.get("serviceName") == service:  # extensions/v1beta1
                    yield key, backend.get("servicePort")
    for key, route in tree.of_group(_GATEWAY, *_ROUTE_KINDS):
        for rule in items(get_path(route, ("spec", "rules"))):
            for ref in items(mapping(rule).get("backendRefs")):
                ref = mapping(ref)
                if ref.get("group", "") != "" or ref.get("kind", "Service") != "Service":
                    continue
                if ref.get("name") == service and ref.get("namespace", key.namespace) == namespace:
                    yield key, ref.get("port")


# --- rollouts -----------------------------------------------------------------------------


def rollout_capacity_loss(pair: Pair) -> Iterator[Note]:
    """A Deployment strategy changed so that a rollout takes more pods out of service at once.

    Recreate stops every pod before starting new ones. RollingUpdate may take
    maxUnavailable pods down (default 25%, a percentage rounded down; maxSurge 25%
    rounded up; when both come to 0 the controller takes 1 down): compared with the
    old strategy at the new replica count, so scaling alone is no note."""
    if pair.old is None or pair.new is None or not is_kind(pair, _APPS, "Deployment"):
        return
    old, new = mapping(get_path(pair.old, ("spec", "strategy"))), mapping(get_path(pair.new, ("spec", "strategy")))
    if old == new:
        return
    replicas = replica_count(pair.new, pair.shape) or 1
    old_down, new_down = _unavailable(old, replicas), _unavailable(new, replicas)
    if new_down is None or old_down is None or new_down <= old_down:
        return
    if new.get("type") == "Recreate":
        yield ("spec", "strategy", "type"), (
            f"strategy Recreate: a rollout stops all {replicas} pod{'s' if replicas != 1 else ''} before "
            "starting new ones; nothing serves until they are ready"
        )
        return
    written = get_path(new, ("rollingUpdate", "maxUnavailable"))
    setting = f"maxUnavailable {written}" if written is not None else "maxUnavailable 25% (the default)"
    yield ("spec", "strategy", "rollingUpdate", "maxUnavailable"), (
        f"{setting}: a rollout takes up to {new_down} of {replicas} pods out of service at once (was {old_down})"
    )


def _unavailable(strategy: Mapping[str, Any], replicas: int) -> Optional[int]:
    if strategy.get("type") == "Recreate":
        return replicas
    rolling = mapping(strategy.get("rollingUpdate"))
    surge = _scaled(rolling.get("maxSurge", "25%"), replicas, round_up=True)
    down = _scaled(rolling.get("maxUnavailable", "25%"), replicas, round_up=False)
    if surge is None or down is None:
        return None
    return 1 if surge == 0 and down == 0 else min(down, replicas)
