"""Probe facts shared by the probe rules: Kubernetes' defaults and handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

HANDLERS = ("httpGet", "tcpSocket", "grpc", "exec")
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


@dataclass(frozen=True)
class Timing:
    """A probe's timings with Kubernetes' defaults applied to unset fields."""

    initial_delay: int
    period: int
    timeout: int
    failure_threshold: int

    @property
    def window(self) -> int:
        """Seconds of consecutive failures before the probe acts."""
        return self.failure_threshold * self.period

    @classmethod
    def of(cls, probe: Mapping[str, Any]) -> "Timing":
        return cls(
            initial_delay=_int(probe.get("initialDelaySeconds"), 0),
            period=_int(probe.get("periodSeconds"), 10),
            timeout=_int(probe.get("timeoutSeconds"), 1),
            failure_threshold=_int(probe.get("failureThreshold"), 3),
        )


def _int(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value


def handler(probe: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The probe's action (its type and settings), or None when it has none."""
    for name in HANDLERS:
        if name in probe:
            return name, probe[name]
    return None


def probe(container: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    value = container.get(name)
    return value if isinstance(value, Mapping) else None
