"""pod-not-isolated: a workload no NetworkPolicy of its namespace selects, for Ingress and for Egress."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._refs import judged
from kgen.model.k8s import get_path

WHAT = {
    "Ingress": "so they accept connections from any pod and from outside the cluster",
    "Egress": "so they may open connections to anything",
}


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    if entry.workload is None or not judged(ctx, bool(ctx.index.network_policies_in(entry.namespace))):
        return
    spec = get_path(entry.data, entry.workload.pod_spec_path)
    if not isinstance(spec, Mapping) or spec.get("hostNetwork") is True:
        return  # a host-network pod uses the node's network: NetworkPolicies do not apply to it
    ingress, egress = ctx.index.isolation(entry)
    labels = entry.workload.labels_path or ("metadata", "labels")
    for direction, isolated in (("Ingress", ingress), ("Egress", egress)):
        if not isolated:
            yield Violation(
                f"no NetworkPolicy of namespace {entry.namespace} selects the pods of {entry.kind} "
                f"{entry.ref.name} for {direction}, {WHAT[direction]}",
                labels,
            )
