"""hpa-max-replicas-high: maxReplicas above a cap."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._hpa import as_int, replicas_field
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    high = as_int(replicas_field(target.obj, "maxReplicas"))
    cap = params["max"]
    if high is not None and high > cap:
        yield Violation(
            f"maxReplicas is {high}, above {cap}; a runaway metric could scale this far and exhaust "
            "the cluster or the services behind it",
            ("spec", "maxReplicas"),
        )
