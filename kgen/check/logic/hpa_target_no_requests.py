"""hpa-target-no-requests: a utilization metric on a resource the target does not request."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._hpa import utilization_targets
from kgen.check.logic._resources import has_request
from kgen.model.k8s import containers, get_path
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    workload = ctx.index.target_of(target.entry)
    if workload is None or workload.pod_spec_path is None:
        return
    spec = get_path(workload.data, workload.pod_spec_path)
    running = [c for c in containers(spec, workload.pod_spec_path) if c.long_running]
    for goal in utilization_targets(target.obj):
        if goal.resource not in ("cpu", "memory"):
            continue
        candidates = [c for c in running if goal.container is None or c.name == goal.container]
        lacking = [c.name for c in candidates if not has_request(c.data, goal.resource)]
        if lacking:
            names = ", ".join(f'"{name}"' for name in lacking)
            yield Violation(
                f"{goal.resource} utilization target, but container {names} of "
                f"{workload.kind}/{workload.ref.name} has no {goal.resource} request, so the "
                "autoscaler cannot compute utilization and never scales",
                goal.path,
            )
