"""hpa-replicas-conflict: an autoscaled workload that also sets spec.replicas."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping) or spec.get("replicas") is None:  # null is unset
        return
    for hpa in ctx.index.hpas_for(target.entry):
        yield Violation(
            f"spec.replicas is {spec['replicas']} while HorizontalPodAutoscaler/{hpa.ref.name} "
            "manages this workload; every apply resets the replica count the autoscaler chose",
            ("spec", "replicas"),
        )
        return
