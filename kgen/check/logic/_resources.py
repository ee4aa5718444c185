"""A container's resource requests as Kubernetes settles them.

Two API rules decide what a container really requests: a quantity of 0
(``0``, ``"0"``, ``0m``, ``0Mi``) counts as unset, for the pod's QoS class and
for scheduling; and a request left out next to a limit is set to that limit by
the API server when the pod is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.policy import Violation
from kgen.load.yamlload import FieldPath
from kgen.model.quantity import QuantityError, parse_quantity

LABELS = {"cpu": "CPU", "memory": "memory"}


@dataclass(frozen=True)
class Amount:
    """One request or limit as written: its text and its value (None when not a quantity)."""

    written: Any
    value: Fraction | None

    @property
    def zero(self) -> bool:
        return self.value is not None and self.value == 0


def amount(container: Mapping[str, Any], section: str, resource: str) -> Amount | None:
    """resources.<section>.<resource>, or None when it is not set (absent or null)."""
    resources = container.get("resources")
    values = resources.get(section) if isinstance(resources, Mapping) else None
    written = values.get(resource) if isinstance(values, Mapping) else None
    if written is None:
        return None
    try:
        return Amount(written, parse_quantity(written))
    except QuantityError:
        return Amount(written, None)


def has_request(container: Mapping[str, Any], resource: str) -> bool:
    """Whether the container requests the resource after the API server's defaulting (the limit
    when no request is written) and above zero; a value that is not a quantity counts (schema-invalid
    reports it)."""
    request = amount(container, "requests", resource)
    if request is None:
        request = amount(container, "limits", resource)
    return request is not None and (request.value is None or request.value > 0)


def missing_request(target: Any, resource: str) -> Iterator[Violation]:
    """The finding of cpu-requests-missing / memory-requests-missing for one container."""
    container, name, label = target.data, target.container_name, LABELS[resource]
    if not _well_typed(container):
        return  # resources or requests/limits not objects: schema-invalid says so
    request = amount(container, "requests", resource)
    limit = amount(container, "limits", resource)
    if request is not None:
        if request.zero:
            yield Violation(
                f'container "{name}" requests {label} {request.written}, which Kubernetes counts as no '
                "request: the scheduler reserves nothing for it",
                ("resources", "requests", resource),
            )
        return  # a positive request, or not a quantity (schema-invalid says so)
    path = _deepest(container, ("resources", "requests", resource))
    if limit is not None and limit.value is not None and limit.value > 0:
        yield Violation(
            f'container "{name}" sets no {label} request; the API server sets it to the {label} limit '
            f"({limit.written}), so the scheduler reserves the whole limit for it",
            path,
            "info",
        )
        return
    if limit is not None and limit.zero:
        yield Violation(
            f'container "{name}" has no {label} request (resources.requests.{resource}); the API server '
            f"copies the limit {limit.written} into it, and Kubernetes counts 0 as no request",
            path,
        )
        return
    yield Violation(f'container "{name}" has no {label} request (resources.requests.{resource})', path)


def _well_typed(container: Mapping[str, Any]) -> bool:
    resources = container.get("resources")
    if resources is None:
        return True
    if not isinstance(resources, Mapping):
        return False
    return all(resources.get(section) is None or isinstance(resources[section], Mapping) for section in ("requests", "limits"))


def _deepest(data: Mapping[str, Any], path: FieldPath) -> FieldPath:
    """The path up to and including its first key that is not set: where the finding points."""
    node: Any = data
    for depth, key in enumerate(path):
        if not isinstance(node, Mapping) or node.get(key) is None:
            return path[: depth + 1]
        node = node[key]
    return path
