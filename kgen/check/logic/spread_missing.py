"""spread-missing: a replicated, long-running workload that nothing spreads across nodes or zones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.index import pod_labels, replicas_of
from kgen.check.logic._workloads import selects_own_pods
from kgen.model.k8s import get_path

#: Topology keys that put pods on different nodes (a zone holds at least one node).
SPREAD_KEYS = frozenset({"kubernetes.io/hostname", "topology.kubernetes.io/zone"})


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    path = entry.pod_spec_path
    if path is None:
        return
    maximums = [get_path(hpa.data, ("spec", "maxReplicas")) for hpa in ctx.index.hpas_for(entry)]
    autoscaled = any(isinstance(m, int) and not isinstance(m, bool) and m > 1 for m in maximums)
    replicas = replicas_of(entry)
    if not autoscaled and (replicas is None or replicas <= 1):
        return
    pod_spec = get_path(entry.data, path)
    if not isinstance(pod_spec, Mapping):
        return
    labels = pod_labels(entry)
    if _spread(pod_spec, labels) or _anti_affine(pod_spec, labels, entry.namespace):
        return
    why = "is autoscaled" if autoscaled else f"runs {replicas} replicas"
    yield Violation(
        f"{entry.kind} {why} with neither topologySpreadConstraints nor a pod anti-affinity on "
        "kubernetes.io/hostname or topology.kubernetes.io/zone selecting its own pods; the scheduler's "
        "default spreading is only a preference, so replicas may share a node and fail together",
        path,
    )


def _spread(pod_spec: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    constraints = pod_spec.get("topologySpreadConstraints")
    return isinstance(constraints, list) and any(
        isinstance(c, Mapping) and isinstance(c.get("topologyKey"), str) and c["topologyKey"] in SPREAD_KEYS and selects_own_pods(c.get("labelSelector"), labels)
        for c in constraints
    )


def _anti_affine(pod_spec: Mapping[str, Any], labels: Mapping[str, Any], namespace: str) -> bool:
    anti = get_path(pod_spec, ("affinity", "podAntiAffinity"))
    if not isinstance(anti, Mapping):
        return False
    required = anti.get("requiredDuringSchedulingIgnoredDuringExecution")
    preferred = anti.get("preferredDuringSchedulingIgnoredDuringExecution")
    terms = list(required) if isinstance(required, list) else []
    if isinstance(preferred, list):
        terms += [p.get("podAffinityTerm") for p in preferred if isinstance(p, Mapping)]
    return any(_term_spreads(term, labels, namespace) for term in terms)


def _term_spreads(term: Any, labels: Mapping[str, Any], namespace: str) -> bool:
    """A term keeps this workload's own pods apart: a spreading key, its pods selected, in its namespace."""
    if not isinstance(term, Mapping) or not isinstance(term.get("topologyKey"), str) or term["topologyKey"] not in SPREAD_KEYS:
        return False
    if not selects_own_pods(term.get("labelSelector"), labels):
        return False
    namespaces = term.get("namespaces")
    if term.get("namespaceSelector") is not None or not namespaces:
        return True  # the pod's own namespace, or one chosen by labels kgen cannot see
    return isinstance(namespaces, list) and namespace in namespaces
