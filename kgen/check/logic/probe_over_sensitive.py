"""probe-over-sensitive: liveness or startup probes that restart healthy containers.

The failure window is how long a container must stop answering before the
probe acts: failureThreshold probes, each starting max(periodSeconds,
timeoutSeconds) after the last (a probe that times out takes timeoutSeconds,
and the kubelet never runs two at once). A long timeout therefore widens the
window; it never makes a probe more sensitive.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._probes import Timing, probe
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    container = target.data
    has_startup = probe(container, "startupProbe") is not None
    for name in ("startupProbe", "livenessProbe"):
        settings = probe(container, name)
        if settings is None:
            continue
        reasons = _reasons(name, Timing.of(settings), has_startup, params)
        if reasons:
            field, _ = reasons[0]
            yield Violation(
                f'container "{target.container_name}": {name} is over-sensitive: '
                + "; ".join(text for _, text in reasons),
                (name, field),
            )


def _window(timing: Timing) -> str:
    if timing.timeout > timing.period:
        return (
            f"failureThreshold × max(periodSeconds, timeoutSeconds) is {timing.failure_threshold} × "
            f"{timing.interval}s = {timing.outage_window}s"
        )
    return f"failureThreshold × periodSeconds is {timing.failure_threshold} × {timing.period}s = {timing.outage_window}s"


def _reasons(name: str, timing: Timing, has_startup: bool, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    reasons: list[tuple[str, str]] = []
    minimum = params["minFailureWindowSeconds"]
    grace = params["minStartupGraceSeconds"]
    if timing.failure_threshold <= 1:
        reasons.append(("failureThreshold", f"failureThreshold is {timing.failure_threshold}, so one failed probe restarts the container"))
    if timing.outage_window < minimum:
        reasons.append(("periodSeconds", f"{_window(timing)}, under {minimum}s"))
    start_allowance = timing.initial_delay + timing.outage_window
    if name == "livenessProbe" and not has_startup and start_allowance < grace:
        reasons.append(
            (
                "initialDelaySeconds",
                f"with no startupProbe, a starting container gets only initialDelaySeconds + "
                f"the failure window = {timing.initial_delay}s + {timing.outage_window}s = {start_allowance}s, "
                f"under {grace}s",
            )
        )
    return reasons
