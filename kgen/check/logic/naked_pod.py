"""naked-pod: a Pod that no controller manages (no ownerReference with controller: true)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.model.k8s import get_path


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    pod = target.data
    owners = get_path(pod, ("metadata", "ownerReferences"))
    if isinstance(owners, list) and any(isinstance(o, Mapping) and o.get("controller") is True for o in owners):
        return
    restart = get_path(pod, ("spec", "restartPolicy"))
    if restart in ("Never", "OnFailure"):
        yield Violation(
            f"Pod {target.entry.ref.name} has no controller; it runs to completion (restartPolicy {restart}), "
            "but if its node fails or drains it is not run again (a Job would retry it)",
            ("kind",),
            "info",
        )
        return
    yield Violation(
        f"Pod {target.entry.ref.name} has no controller: when its node fails, is drained or evicts it, "
        "nothing recreates it, and it cannot be scaled or rolled out",
        ("kind",),
    )
