"""networkpolicy-selects-no-pods: a NetworkPolicy whose podSelector matches no checked pod of its namespace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.index import selector_is_empty
from kgen.check.logic._refs import describe_selector, judged
from kgen.model.k8s import get_path


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    if not judged(ctx, ctx.index.has_pods()):
        return
    selector = get_path(entry.data, ("spec", "podSelector"))
    selector = selector if isinstance(selector, Mapping) else {}  # unset is empty: every pod
    if any(True for _ in ctx.index.pods_selected(entry.namespace, selector, empty_matches_all=True)):
        return
    at = ("spec", "podSelector") if "podSelector" in (entry.data.get("spec") or {}) else ("spec",)
    if selector_is_empty(selector):
        what = f"selects every pod of namespace {entry.namespace}, and no workload of that namespace is among the checked objects"
    else:
        what = (
            f"selects {describe_selector(selector)}, which matches no pod template among the checked objects "
            f"of namespace {entry.namespace}"
        )
    yield Violation(f"NetworkPolicy {entry.ref.name} {what}; it isolates no pod", at)
