"""pdb-missing: label selectors (matchLabels and matchExpressions) decide which budget covers a workload."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc, where


PDB_FOR = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web, tier: frontend}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchExpressions:
      - {expression}
"""


@pytest.mark.parametrize(
    ("expression", "selects"),
    [
        ("{key: tier, operator: In, values: [frontend, edge]}", True),
        ("{key: tier, operator: In, values: [backend]}", False),
        ("{key: tier, operator: NotIn, values: [backend]}", True),
        ("{key: tier, operator: NotIn, values: [frontend]}", False),
        ("{key: canary, operator: NotIn, values: ['true']}", True),  # absent label: not in any set
        ("{key: tier, operator: Exists}", True),
        ("{key: canary, operator: Exists}", False),
        ("{key: canary, operator: DoesNotExist}", True),
        ("{key: app, operator: DoesNotExist}", False),
    ],
)
def test_pdb_selectors_match_expressions(tmp_path: Path, expression: str, selects: bool) -> None:
    text = PDB_FOR.format(expression=expression)
    findings = where(check(tmp_path, text), "pdb-missing")
    assert findings == ([] if selects else [("pdb-missing", *loc(text, "labels:"))])
