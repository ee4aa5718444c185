"""service-selects-no-pods: a Service whose selector matches no checked pod template of its namespace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._refs import judged, label_map


def selector_of(target: Target) -> Mapping[str, Any] | None:
    """The label map a Service's endpoints are made from; None for a Service without one (its
    endpoints are managed by hand) and for an ExternalName Service (a DNS alias, no endpoints)."""
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping) or spec.get("type") == "ExternalName":
        return None
    selector = spec.get("selector")
    return selector if isinstance(selector, Mapping) and selector else None


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    selector = selector_of(target)
    if selector is None or not judged(ctx, ctx.index.has_pods()):
        return
    entry = target.entry
    if any(True for _ in ctx.index.pods_selected(entry.namespace, {"matchLabels": selector}, False)):
        return
    yield Violation(
        f"Service {entry.ref.name} selects {label_map(selector)}, and no pod template among the checked "
        f"objects of namespace {entry.namespace} carries all of these labels, so the Service has no "
        "endpoints and routes nothing",
        ("spec", "selector"),
    )
