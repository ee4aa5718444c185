"""hpa-replicas-conflict: an autoscaled workload that also sets its replica count."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.model.k8s import format_field_path, get_path


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    shape = target.entry.workload
    if shape is None or shape.replicas_path is None:
        return
    path = shape.replicas_path
    replicas = get_path(target.obj, path)
    if replicas is None:  # null is unset
        return
    for hpa in ctx.index.hpas_for(target.entry):
        yield Violation(
            f"{format_field_path(path)} is {replicas} while HorizontalPodAutoscaler/{hpa.ref.name} "
            "manages this workload; every apply resets the replica count the autoscaler chose",
            path,
        )
        return
