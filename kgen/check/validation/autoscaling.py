"""HorizontalPodAutoscaler: replica bounds, metric targets and scaling behavior (autoscaling/validation).

autoscaling/v2 (and v2beta2, its shape) is validated field by field;
autoscaling/v1 has only the replica bounds and targetCPUUtilizationPercentage,
which the API server converts to a resource metric before validating it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import not_supported, refused, validates
from kgen.check.validation.formats import quoted as q
from kgen.check.validation.formats import dns1123_label
from kgen.load.yamlload import FieldPath
from kgen.model.quantity import QuantityError, parse_quantity

#: minReplicas 0 needs the HPAScaleToZero feature gate, alpha and off by default in every supported version.
MIN_REPLICAS = 1
MAX_STABILIZATION_WINDOW_SECONDS = 3600
MAX_PERIOD_SECONDS = 1800

_SOURCES = {  # metric type -> its source field, in the order the API server looks for them
    "Object": "object",
    "External": "external",
    "Pods": "pods",
    "Resource": "resource",
    "ContainerResource": "containerResource",
}
_TARGET_TYPES = ("Utilization", "Value", "AverageValue")


@validates("HorizontalPodAutoscaler")
def autoscaler(target: Target, ctx: Context) -> Iterator[Violation]:
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping):
        return
    yield from _replicas(spec)
    version = str(target.obj.get("apiVersion"))
    if version == "autoscaling/v1":
        cpu = _int(spec.get("targetCPUUtilizationPercentage"))
        if cpu is not None and cpu < 1:
            yield refused(("spec", "targetCPUUtilizationPercentage"), f"{cpu} must be greater than 0")
    elif version in ("autoscaling/v2", "autoscaling/v2beta2"):
        metrics = spec.get("metrics")
        if isinstance(metrics, list):
            for index, metric in enumerate(metrics):
                if isinstance(metric, Mapping):
                    yield from _metric(metric, ("spec", "metrics", index))
        behavior = spec.get("behavior")
        if isinstance(behavior, Mapping):
            for direction in ("scaleUp", "scaleDown"):
                rules = behavior.get(direction)
                if isinstance(rules, Mapping):
                    yield from _scaling_rules(rules, ("spec", "behavior", direction))


def _replicas(spec: Mapping[str, Any]) -> Iterator[Violation]:
    low = _int(spec.get("minReplicas"))
    high = _int(spec.get("maxReplicas"))
    if low is not None and low < MIN_REPLICAS:
        yield refused(
            ("spec", "minReplicas"),
            f"{low} must be greater than or equal to {MIN_REPLICAS} "
            "(0 needs the HPAScaleToZero feature gate, alpha and off by default)",
        )
    if high is not None and high < 1:
        yield refused(("spec", "maxReplicas"), f"{high} must be greater than 0")
    elif high is not None and low is not None and high < low:
        yield refused(("spec", "maxReplicas"), f"{high} must be greater than or equal to `minReplicas` ({low})")


def _metric(metric: Mapping[str, Any], at: FieldPath) -> Iterator[Violation]:
    kind = metric.get("type")
    if not isinstance(kind, str):
        return  # required string: schema-invalid
    expected = _SOURCES.get(kind)
    if expected is None:
        yield not_supported(at + ("type",), kind, sorted(_SOURCES))
    present = [field for field in _SOURCES.values() if isinstance(metric.get(field), Mapping)]
    if expected is not None and expected not in present:
        yield refused(at + (expected,), f"Required value: must populate information for the given metric source {kind}")
    for field in present:
        if field != expected and len(present) > 1:
            yield refused(at + (field,), f"Forbidden: must populate the given metric source only ({expected or kind})")
    if present:
        first = present[0]
        yield from _source(first, metric[first], at + (first,))


def _source(field: str, source: Mapping[str, Any], at: FieldPath) -> Iterator[Violation]:
    """The first populated source is the one the API server validates."""
    goal = source.get("target")
    goal = goal if isinstance(goal, Mapping) else {}
    goal_at = at + ("target",)
    yield from _target(goal, goal_at)
    has = {name: goal.get(name) is not None for name in ("value", "averageValue", "averageUtilization")}
    if field in ("resource", "containerResource"):
        if field == "containerResource":
            container = source.get("container")
            if isinstance(container, str) and container:
                for problem in dns1123_label(container):
                    yield refused(at + ("container",), f"{q(container)}: {problem}")
        if not has["averageUtilization"] and not has["averageValue"]:
            yield refused(goal_at + ("averageUtilization",), "Required value: must set either a target raw value or a target utilization")
        elif has["averageUtilization"] and has["averageValue"]:
            yield refused(goal_at + ("averageValue",), "Forbidden: may not set both a target raw value and a target utilization")
    elif field == "pods":
        if not has["averageValue"]:
            yield refused(goal_at + ("averageValue",), "Required value: must specify a positive target averageValue")
    elif field == "object":
        if not has["value"] and not has["averageValue"]:
            yield refused(goal_at + ("averageValue",), "Required value: must set either a target value or averageValue")
    elif field == "external":
        if not has["value"] and not has["averageValue"]:
            yield refused(goal_at + ("averageValue",), "Required value: must set either a target value for metric or a per-pod target")
        elif has["value"] and has["averageValue"]:
            yield refused(goal_at + ("value",), "Forbidden: may not set both a target value for metric and a per-pod target")


def _target(goal: Mapping[str, Any], at: FieldPath) -> Iterator[Violation]:
    kind = goal.get("type")
    if isinstance(kind, str) and kind not in _TARGET_TYPES:
        yield refused(at + ("type",), f"{q(kind)} must be either Utilization, Value, or AverageValue")
    for name in ("value", "averageValue"):
        if goal.get(name) is None:
            continue
        try:
            amount = parse_quantity(goal[name])
        except QuantityError:
            continue  # not a quantity: schema-invalid
        if amount <= 0:
            yield refused(at + (name,), f"{goal[name]} must be positive")
    utilization = _int(goal.get("averageUtilization"))
    if utilization is not None and utilization < 1:
        yield refused(at + ("averageUtilization",), f"{utilization} must be greater than 0")


def _scaling_rules(rules: Mapping[str, Any], at: FieldPath) -> Iterator[Violation]:
    window = _int(rules.get("stabilizationWindowSeconds"))
    if window is not None and window < 0:
        yield refused(at + ("stabilizationWindowSeconds",), f"{window} must be greater than or equal to zero")
    elif window is not None and window > MAX_STABILIZATION_WINDOW_SECONDS:
        yield refused(at + ("stabilizationWindowSeconds",), f"{window} must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}")
    select = rules.get("selectPolicy")
    if isinstance(select, str) and select not in ("Max", "Min", "Disabled"):
        yield not_supported(at + ("selectPolicy",), select, ("Disabled", "Max", "Min"))
    policies = rules.get("policies")
    if isinstance(policies, list):
        if not policies:
            yield refused(at + ("policies",), "Required value: must specify at least one Policy")
        for index, policy in enumerate(policies):
            if isinstance(policy, Mapping):
                yield from _scaling_policy(policy, at + ("policies", index))


def _scaling_policy(policy: Mapping[str, Any], at: FieldPath) -> Iterator[Violation]:
    kind = policy.get("type")
    if isinstance(kind, str) and kind not in ("Pods", "Percent"):
        yield not_supported(at + ("type",), kind, ("Percent", "Pods"))
    value = _int(policy.get("value"))
    if value is not None and value <= 0:
        yield refused(at + ("value",), f"{value} must be greater than zero")
    period = _int(policy.get("periodSeconds"))
    if period is not None and period <= 0:
        yield refused(at + ("periodSeconds",), f"{period} must be greater than zero")
    elif period is not None and period > MAX_PERIOD_SECONDS:
        yield refused(at + ("periodSeconds",), f"{period} must be less than or equal to {MAX_PERIOD_SECONDS}")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
