"""replicas-single: one replica and no autoscaler."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.index import replicas_of
from kgen.check.api import Context, Target, Violation
from kgen.model.k8s import format_field_path, get_path


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    shape = target.entry.workload
    replicas = replicas_of(target.entry)
    if shape is None or shape.replicas_path is None or replicas != 1:
        return
    if any(True for _ in ctx.index.hpas_for(target.entry)):
        return
    path = shape.replicas_path
    written = get_path(target.obj, path) is not None
    said = "1" if written else f"1 (the default, as {format_field_path(path)} is not set)"
    yield Violation(
        f"{target.kind} runs {said} replica and has no autoscaler; every rollout, crash or node "
        "drain is downtime",
        path,
    )
