"""liveness-equals-readiness: the same check, failing no later than readiness."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._probes import Timing, handler, probe
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    liveness = probe(target.data, "livenessProbe")
    readiness = probe(target.data, "readinessProbe")
    if liveness is None or readiness is None:
        return
    action = handler(liveness)
    if action is None or action != handler(readiness):
        return
    live, ready = Timing.of(liveness), Timing.of(readiness)
    if live.initial_delay + live.window > ready.initial_delay + ready.window:
        return  # the same check, but liveness gives up later: readiness acts first
    yield Violation(
        f'container "{target.container_name}": liveness and readiness run the same {action[0]} check '
        f"and liveness fails after {live.initial_delay + live.window}s, no later than readiness "
        f"({ready.initial_delay + ready.window}s), so a slow container is restarted instead of "
        "only being taken out of traffic",
        ("livenessProbe",),
    )
