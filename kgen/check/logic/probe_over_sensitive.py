"""probe-over-sensitive: liveness or startup probes that restart healthy containers."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._probes import Timing, probe
from kgen.check.policy import Violation


def check(target: Any, ctx: Any, params: Mapping[str, Any]) -> Iterator[Violation]:
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
                f'container "{target.container.name}": {name} is over-sensitive: '
                + "; ".join(text for _, text in reasons),
                (name, field),
            )


def _reasons(name: str, timing: Timing, has_startup: bool, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    reasons: list[tuple[str, str]] = []
    minimum = params["minFailureWindowSeconds"]
    grace = params["minStartupGraceSeconds"]
    if timing.failure_threshold <= 1:
        reasons.append(("failureThreshold", f"failureThreshold is {timing.failure_threshold}, so one slow answer restarts the container"))
    if timing.window < minimum:
        reasons.append(
            (
                "periodSeconds",
                f"failureThreshold × periodSeconds is {timing.failure_threshold} × {timing.period}s = "
                f"{timing.window}s, under {minimum}s",
            )
        )
    if timing.timeout >= timing.period:
        reasons.append(
            ("timeoutSeconds", f"timeoutSeconds ({timing.timeout}s) is not below periodSeconds ({timing.period}s)")
        )
    if name == "livenessProbe" and not has_startup and timing.initial_delay + timing.window < grace:
        reasons.append(
            (
                "initialDelaySeconds",
                f"with no startupProbe, a starting container gets only initialDelaySeconds + "
                f"failureThreshold × periodSeconds = {timing.initial_delay + timing.window}s, under {grace}s",
            )
        )
    return reasons
