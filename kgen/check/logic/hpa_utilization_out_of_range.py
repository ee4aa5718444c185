"""hpa-utilization-out-of-range: an averageUtilization target outside the sane band."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._hpa import as_int, utilization_targets
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    low, high = params["min"], params["max"]
    for goal in utilization_targets(target.obj):
        value = as_int(goal.value)
        if value is None or low <= value <= high:
            continue
        effect = (
            "the autoscaler keeps far more replicas than the load needs"
            if value < low
            else "replicas are saturated before the autoscaler reacts"
        )
        yield Violation(
            f"{goal.resource} averageUtilization target is {value}%, outside {low}–{high}%: {effect}",
            goal.path,
        )
