"""HorizontalPodAutoscaler facts across autoscaling/v1, v2beta1, v2beta2 and v2."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.load.yamlload import FieldPath


@dataclass(frozen=True)
class UtilizationTarget:
    resource: str  # cpu | memory | ...
    value: Any  # the averageUtilization given (may be a wrong type)
    path: FieldPath  # where the value is, inside the HPA
    container: str | None = None  # ContainerResource metrics name one container


def utilization_targets(hpa: Mapping[str, Any]) -> Iterator[UtilizationTarget]:
    """Every resource-utilization target the HPA sets, in any API version's spelling."""
    spec = hpa.get("spec")
    if not isinstance(spec, Mapping):
        return
    if "targetCPUUtilizationPercentage" in spec:  # autoscaling/v1
        yield UtilizationTarget("cpu", spec["targetCPUUtilizationPercentage"], ("spec", "targetCPUUtilizationPercentage"))
    metrics = spec.get("metrics")
    if not isinstance(metrics, list):
        return
    for index, metric in enumerate(metrics):
        if not isinstance(metric, Mapping):
            continue
        for section in ("resource", "containerResource"):
            source = metric.get(section)
            if not isinstance(source, Mapping):
                continue
            base: FieldPath = ("spec", "metrics", index, section)
            container = source.get("container") if section == "containerResource" else None
            target = source.get("target")
            if isinstance(target, Mapping) and target.get("type") == "Utilization":  # v2, v2beta2
                yield UtilizationTarget(
                    str(source.get("name")), target.get("averageUtilization"), base + ("target", "averageUtilization"), container
                )
            elif "targetAverageUtilization" in source:  # v2beta1
                yield UtilizationTarget(
                    str(source.get("name")), source["targetAverageUtilization"], base + ("targetAverageUtilization",), container
                )


def replicas_field(hpa: Mapping[str, Any], name: str) -> Any:
    spec = hpa.get("spec")
    return spec.get(name) if isinstance(spec, Mapping) else None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
