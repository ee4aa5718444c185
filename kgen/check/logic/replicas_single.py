"""replicas-single: one replica and no autoscaler."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.index import replicas_of
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    replicas = replicas_of(target.entry)
    if replicas != 1 or any(True for _ in ctx.index.hpas_for(target.entry)):
        return
    spec = target.obj.get("spec")
    written = isinstance(spec, Mapping) and spec.get("replicas") is not None
    said = "1" if written else "1 (the default, as spec.replicas is not set)"
    yield Violation(
        f"{target.kind} runs {said} replica and has no autoscaler; every rollout, crash or node "
        "drain is downtime",
        ("spec", "replicas"),
    )
