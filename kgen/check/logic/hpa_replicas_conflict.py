"""hpa-replicas-conflict: an autoscaled workload that also sets spec.replicas."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.policy import Violation

CROSS_OBJECT = True
#: Where its findings point (positions are taken while the document is read).
PATHS = (("spec", "replicas"),)


def check(target: Any, ctx: Any, params: Mapping[str, Any]) -> Iterator[Violation]:
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
