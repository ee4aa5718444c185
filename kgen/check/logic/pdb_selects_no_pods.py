"""pdb-selects-no-pods: a PodDisruptionBudget whose selector matches no checked pod of its namespace."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.index import selector_is_empty
from kgen.check.logic._refs import describe_selector, judged
from kgen.model.k8s import get_path


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    selector = get_path(entry.data, ("spec", "selector"))
    v1 = entry.ref.api_version != "policy/v1beta1"
    if selector is None:
        yield Violation(
            f"PodDisruptionBudget {entry.ref.name} has no selector, and a null selector selects no pods; "
            "the budget protects nothing",
            ("spec",),
        )
        return
    if selector_is_empty(selector) and not v1:
        yield Violation(
            f"PodDisruptionBudget {entry.ref.name} has an empty selector, which selects no pods in "
            "policy/v1beta1 (policy/v1 reads it as every pod of the namespace); the budget protects nothing",
            ("spec", "selector"),
        )
        return
    if not judged(ctx, ctx.index.has_pods()):
        return
    if any(True for _ in ctx.index.pods_selected(entry.namespace, selector, empty_matches_all=v1)):
        return
    if selector_is_empty(selector):
        what = f"selects every pod of namespace {entry.namespace}, and no workload of that namespace is among the checked objects"
    else:
        what = (
            f"selects {describe_selector(selector)}, which matches no pod template among the checked objects "
            f"of namespace {entry.namespace}"
        )
    yield Violation(f"PodDisruptionBudget {entry.ref.name} {what}; the budget protects nothing", ("spec", "selector"))
