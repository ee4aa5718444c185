"""service-exposed: a Service of a type that reaches outside the cluster (NodePort, LoadBalancer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation

_WHY = {
    "NodePort": "opens a port on every node's address",
    "LoadBalancer": "gets an external load balancer (and a port on every node)",
    "ExternalName": "resolves to a name outside the cluster",
    "ClusterIP": "is reachable from every pod in the cluster",
}


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    spec = target.obj.get("spec")
    kind = spec.get("type") if isinstance(spec, Mapping) else None
    if isinstance(kind, str) and kind in params["types"]:
        yield Violation(f"Service type {kind} {_WHY.get(kind, 'is reported by this rule')}", ("spec", "type"))
