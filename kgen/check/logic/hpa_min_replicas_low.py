"""hpa-min-replicas-low: minReplicas below the minimum (absent counts as 1)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._hpa import as_int, replicas_field
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    raw = replicas_field(target.obj, "minReplicas")
    value = 1 if raw is None else as_int(raw)
    minimum = params["min"]
    if value is None or value >= minimum:
        return
    said = "is 1 (the default, as it is not set)" if raw is None else f"is {value}"
    yield Violation(
        f"minReplicas {said}; at least {minimum} keeps a replica serving during a node drain or rollout",
        ("spec", "minReplicas"),
    )
