"""requests-exceed-limits: a request larger than its limit (quantities compared exactly)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.model.quantity import QuantityError, parse_quantity


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    resources = target.data.get("resources")
    if not isinstance(resources, Mapping):
        return
    requests, limits = resources.get("requests"), resources.get("limits")
    if not isinstance(requests, Mapping) or not isinstance(limits, Mapping):
        return
    for name in sorted(set(requests) & set(limits)):
        try:
            request, limit = parse_quantity(requests[name]), parse_quantity(limits[name])
        except QuantityError:
            continue  # not a quantity: schema-invalid says so
        if request > limit:
            yield Violation(
                f'container "{target.container_name}" requests {name} {requests[name]} '
                f"but its limit is {limits[name]}; the pod cannot be admitted",
                ("resources", "requests", name),
            )
