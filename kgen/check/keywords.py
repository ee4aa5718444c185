"""Domain keywords for schema predicates, defined once.

``quantityMinimum`` / ``quantityMaximum`` compare Kubernetes quantities
properly (``500m`` < ``1``, ``1Gi`` > ``1000Mi``), so a policy can say
``limits: {properties: {memory: {quantityMaximum: {$param: max}}}}``.

``quantityPositive: true`` holds for a quantity above zero: Kubernetes counts
a request or limit of ``0`` (``"0"``, ``0m``, ``0Mi``) as unset, for QoS and
for scheduling, so ``limits: {required: [cpu], properties: {cpu:
{quantityPositive: true}}}`` means "has a CPU limit". A value that is not a
quantity passes: schema-invalid reports it.
"""

from __future__ import annotations

from typing import Any, Iterator

from jsonschema import Draft7Validator, ValidationError, validators

from kgen.model.quantity import QuantityError, parse_quantity


def _bound(kind: str) -> Any:
    def check(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
        try:
            value = parse_quantity(instance)
        except QuantityError:
            yield ValidationError(f"{instance!r} is not a quantity")
            return
        limit = parse_quantity(bound)
        if kind == "min" and value < limit:
            yield ValidationError(f"{instance} is less than {bound}")
        if kind == "max" and value > limit:
            yield ValidationError(f"{instance} is more than {bound}")

    return check


def _positive(validator: Any, wanted: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if wanted is not True:
        return
    try:
        value = parse_quantity(instance)
    except QuantityError:
        return
    if value <= 0:
        yield ValidationError(f"{instance} is zero, which Kubernetes counts as unset")


KgenValidator: Any = validators.extend(  # type: ignore[no-untyped-call]
    Draft7Validator,
    {"quantityMinimum": _bound("min"), "quantityMaximum": _bound("max"), "quantityPositive": _positive},
)
