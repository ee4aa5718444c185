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

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Iterator

from kgen.model.fastschema import Check, Compiler
from kgen.model.patterns import compile_search
from kgen.model.quantity import QuantityError, parse_quantity


def _quantity(value: Any) -> Any:
    """The value of a quantity, None when it is not one."""
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def _bound(kind: str) -> Any:
    def check(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
        from jsonschema import ValidationError

        value = _quantity(instance)
        if value is None:
            yield ValidationError(f"{instance!r} is not a quantity")
            return
        limit = parse_quantity(bound)
        if kind == "min" and value < limit:
            yield ValidationError(f"{instance} is less than {bound}")
        if kind == "max" and value > limit:
            yield ValidationError(f"{instance} is more than {bound}")

    return check


def _positive(validator: Any, wanted: Any, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if wanted is not True:
        return
    value = _quantity(instance)
    if value is not None and value <= 0:
        yield ValidationError(f"{instance} is zero, which Kubernetes counts as unset")


# -- patterns matched by RE2 (kgen.model.patterns), never by Python's backtracking re ----------


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if isinstance(instance, str) and not compile_search(pattern)(instance):
        yield ValidationError(f"{instance[:60]!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(instance, Mapping):
        return
    for pattern, subschema in patterns.items():
        search = compile_search(pattern)
        for key, value in instance.items():
            if isinstance(key, str) and search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, allowed: Any, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if not isinstance(instance, Mapping):
        return
    known = schema.get("properties", {})
    searches = [compile_search(pattern) for pattern in schema.get("patternProperties", {})]
    extras = [key for key in instance if key not in known and not any(s(str(key)) for s in searches)]
    if isinstance(allowed, Mapping):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif allowed is False and extras:
        yield ValidationError(f"additional properties are not allowed ({', '.join(map(repr, sorted(map(str, extras))[:5]))})")


@lru_cache(maxsize=1)
def kgen_validator() -> Any:
    """The Draft-07 validator class with kgen's keywords (jsonschema is imported on first use), its
    patterns matched by RE2 in linear time (a policy is repository data)."""
    from jsonschema import Draft7Validator, validators

    return validators.extend(  # type: ignore[no-untyped-call]
        Draft7Validator,
        {
            "quantityMinimum": _bound("min"),
            "quantityMaximum": _bound("max"),
            "quantityPositive": _positive,
            "pattern": _pattern,
            "patternProperties": _pattern_properties,
            "additionalProperties": _additional_properties,
        },
    )


# -- the same keywords as compiled yes/no checks (kgen.model.fastschema) --------------


def _fast_bound(kind: str) -> Any:
    def build(compiler: Compiler, bound: Any, schema: Any) -> Check:
        limit = parse_quantity(bound)

        def check(value: Any) -> bool:
            found = _quantity(value)
            return found is not None and (found >= limit if kind == "min" else found <= limit)

        return check

    return build


def _fast_positive(compiler: Compiler, wanted: Any, schema: Any) -> Check | None:
    if wanted is not True:
        return None

    def check(value: Any) -> bool:
        found = _quantity(value)
        return found is None or found > 0

    return check


FAST_KEYWORDS = {
    "quantityMinimum": _fast_bound("min"),
    "quantityMaximum": _fast_bound("max"),
    "quantityPositive": _fast_positive,
}
