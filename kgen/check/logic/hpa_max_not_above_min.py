"""hpa-max-not-above-min: maxReplicas below (error) or equal to (warning) minReplicas."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._hpa import as_int, replicas_field
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    raw_min = replicas_field(target.obj, "minReplicas")
    low = 1 if raw_min is None else as_int(raw_min)
    high = as_int(replicas_field(target.obj, "maxReplicas"))
    if low is None or high is None:
        return
    if high < low:
        yield Violation(
            f"maxReplicas {high} is below minReplicas {low}; the API server rejects this autoscaler",
            ("spec", "maxReplicas"),
            severity="error",
        )
    elif high == low:
        yield Violation(
            f"maxReplicas equals minReplicas ({low}); the autoscaler can never scale",
            ("spec", "maxReplicas"),
            severity="warning",
        )
