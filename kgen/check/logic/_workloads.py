"""What the availability and hygiene rules for workloads share: versions, own-pod selectors, labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kgen.model.kubeschema import at_least
from kgen.check.index import selector_matches


version_at_least = at_least  # a target version (``1.30``, ``1.30.2``, ``v1.30``) is ``wanted`` or newer


def selects_own_pods(selector: Any, labels: Mapping[str, Any]) -> bool:
    """A term's labelSelector (matchLabels, matchExpressions) selects pods with these labels.

    A missing or empty selector counts no pods in a spread constraint or an
    affinity term, so it spreads nothing. A pod template without labels is a
    fragment (a kustomize patch: the API server refuses a workload whose
    selector matches no template label), so any non-empty selector is taken
    to mean its own pods.
    """
    if not labels:
        return isinstance(selector, Mapping) and bool(selector.get("matchLabels") or selector.get("matchExpressions"))
    return selector_matches(selector, labels, empty_matches_all=False)
