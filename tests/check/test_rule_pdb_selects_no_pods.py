"""pdb-selects-no-pods: a budget's selector against the checked pods of its namespace, by API version."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, deployment, loc, of

RULE = "pdb-selects-no-pods"


def budget(spec: str, version: str = "policy/v1") -> str:
    return f"""
---
apiVersion: {version}
kind: PodDisruptionBudget
metadata: {{name: b}}
spec:
  maxUnavailable: 1{spec}
"""


def findings(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.severity) for f in of(check(tmp_path, text), RULE)]


def test_a_selector_the_pods_do_not_match(tmp_path: Path) -> None:
    text = deployment() + budget("\n  selector: {matchLabels: {app: api}}")
    assert findings(tmp_path, text) == [(*loc(text, "selector: {matchLabels: {app: api"), "warning")]
    assert findings(tmp_path, deployment() + budget("\n  selector: {matchLabels: {app: web}}")) == []


def test_an_empty_selector_is_every_pod_in_v1_and_none_in_v1beta1(tmp_path: Path) -> None:
    assert findings(tmp_path, deployment() + budget("\n  selector: {}")) == []
    text = deployment() + budget("\n  selector: {}", "policy/v1beta1")
    assert findings(tmp_path, text) == [(*loc(text, "selector: {}"), "warning")]


def test_a_null_selector_selects_nothing_even_alone(tmp_path: Path) -> None:
    text = budget("\n  selector: null")
    assert findings(tmp_path, text) == [(*loc(text, "spec:"), "warning")]


def test_not_judged_without_any_workload(tmp_path: Path) -> None:
    assert findings(tmp_path, budget("\n  selector: {matchLabels: {app: api}}")) == []
