"""Which pods a PodDisruptionBudget selects: an empty selector selects every pod of its
namespace in policy/v1 and none in policy/v1beta1; a missing one selects none."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.check.engine import CheckOptions, run_check
from kgen.check.index import selector_matches

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
"""
LABELS_AT = (10, 7)  # spec.template.metadata.labels, where pdb-missing reports


def budget(api_version: str, selector: str, rule: str = "minAvailable: 1") -> str:
    return f"apiVersion: {api_version}\nkind: PodDisruptionBudget\nmetadata: {{name: web, namespace: shop}}\nspec:\n  {rule}\n{selector}"


def findings(tmp_path: Path, text: str, rule: str) -> list[tuple[int, int, str]]:
    path = tmp_path / "manifests.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    return [(f.line, f.column, f.severity) for f in result.findings if f.rule == rule]


@pytest.mark.parametrize(
    ("api_version", "selector", "covered"),
    [
        ("policy/v1", "  selector: {}\n", True),
        ("policy/v1", "  selector: {matchLabels: {}}\n", True),
        ("policy/v1", "  selector: {matchLabels: {app: web}}\n", True),
        ("policy/v1", "  selector: {matchLabels: {app: api}}\n", False),
        ("policy/v1", "", False),  # no selector: selects nothing
        ("policy/v1beta1", "  selector: {}\n", False),
        ("policy/v1beta1", "  selector: {matchLabels: {}}\n", False),
        ("policy/v1beta1", "  selector: {matchLabels: {app: web}}\n", True),
    ],
)
def test_which_budgets_cover_a_deployment(tmp_path: Path, api_version: str, selector: str, covered: bool) -> None:
    got = findings(tmp_path, DEPLOYMENT + budget(api_version, selector), "pdb-missing")
    assert got == ([] if covered else [(*LABELS_AT, "warning")])


@pytest.mark.parametrize(("api_version", "blocks"), [("policy/v1", True), ("policy/v1beta1", False)])
def test_an_empty_selector_decides_which_pods_a_budget_holds(tmp_path: Path, api_version: str, blocks: bool) -> None:
    """minAvailable 3 of the Deployment's 3 pods blocks eviction only if the budget selects them."""
    text = DEPLOYMENT + budget(api_version, "  selector: {}\n", "minAvailable: 3")
    assert findings(tmp_path, text, "pdb-blocks-eviction") == ([(20, 3, "error")] if blocks else [])


def test_selector_matching() -> None:
    labels = {"app": "web", "tier": "api"}
    assert selector_matches({}, labels, empty_matches_all=True)
    assert not selector_matches({}, labels, empty_matches_all=False)
    assert not selector_matches(None, labels, empty_matches_all=True)  # a missing selector selects nothing
    assert selector_matches({"matchLabels": {"app": "web"}}, labels, empty_matches_all=False)
    assert not selector_matches({"matchLabels": {"app": "web", "tier": "db"}}, labels, empty_matches_all=True)
    expression = {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["api", "db"]}]}
    assert selector_matches(expression, labels, empty_matches_all=False)
