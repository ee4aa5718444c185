"""pdb-missing: a replicated or autoscaled workload with no PodDisruptionBudget."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.index import replicas_of
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    replicas = replicas_of(entry)
    autoscaled = any(True for _ in ctx.index.hpas_for(entry))
    if not autoscaled and (replicas is None or replicas <= 1):
        return
    if any(True for _ in ctx.index.pdbs_for(entry)):
        return
    why = "is autoscaled" if autoscaled else f"runs {replicas} replicas"
    labels = entry.workload.labels_path if entry.workload is not None else None
    yield Violation(
        f"{entry.kind} {why} but no PodDisruptionBudget selects its pods in namespace "
        f"{entry.namespace}; a node drain may evict all of them at once",
        labels if labels is not None else (),  # where a budget's selector must match: the pods' labels
    )
