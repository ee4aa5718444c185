"""pdb-unhealthy-eviction-policy: a policy/v1 PDB that lets not-ready pods block evictions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._workloads import version_at_least

#: The first version whose API server keeps the field by default (beta, PDBUnhealthyPodEvictionPolicy).
FIELD_ON_BY_DEFAULT = (1, 27)


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    if target.obj.get("apiVersion") != "policy/v1" or not version_at_least(ctx.kubernetes_version, FIELD_ON_BY_DEFAULT):
        return
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping) or spec.get("unhealthyPodEvictionPolicy") is not None:
        return
    yield Violation(
        "PodDisruptionBudget sets no spec.unhealthyPodEvictionPolicy, so a crash-looping (not Ready) pod "
        "it selects cannot be evicted while the budget is short and blocks node drains",
        ("spec", "unhealthyPodEvictionPolicy"),
    )
