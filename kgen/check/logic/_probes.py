"""Probe facts shared by the probe rules: Kubernetes' defaults and handlers."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from kgen.model.k8s import PROBE_DEFAULTS

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
        """Seconds of consecutive failures before the probe acts (failureThreshold × periodSeconds)."""
        return self.failure_threshold * self.period

    @property
    def interval(self) -> int:
        """Seconds between the starts of two probes of a container that does not answer.

        The kubelet runs one probe at a time: a probe that times out takes
        timeoutSeconds, and the next one starts no sooner than periodSeconds
        after the last began.
        """
        return max(self.period, self.timeout)

    @property
    def outage_window(self) -> int:
        """Seconds a container must stop answering before the probe acts: failureThreshold × interval."""
        return self.failure_threshold * self.interval

    @classmethod
    def of(cls, probe: Mapping[str, Any]) -> "Timing":
        return cls(
            initial_delay=_int(probe, "initialDelaySeconds"),
            period=_int(probe, "periodSeconds"),
            timeout=_int(probe, "timeoutSeconds"),
            failure_threshold=_int(probe, "failureThreshold"),
        )


def _int(probe: Mapping[str, Any], field: str) -> int:
    value = probe.get(field)
    if isinstance(value, bool) or not isinstance(value, int):
        return PROBE_DEFAULTS[field]
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
