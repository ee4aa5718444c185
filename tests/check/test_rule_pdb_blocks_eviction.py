"""pdb-blocks-eviction: percentages rounded up as the eviction API does, the autoscaler's minimum."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc, of


PDB_MIN = """
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
      labels: {{app: web}}
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
  {budget}
  selector:
    matchLabels: {{app: web}}
"""


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("minAvailable: 67%", "minAvailable 67% requires 3 of the 3 pods of Deployment/web to stay up"),
        ("minAvailable: 66%", None),  # 1.98 rounds up to 2: one may go
        ("minAvailable: 3", "minAvailable 3 requires 3 of the 3 pods of Deployment/web to stay up"),
        ("minAvailable: 2", None),
        ("minAvailable: 100%", "minAvailable is 100%: no pod may ever be evicted"),
        ("maxUnavailable: 0%", "maxUnavailable is 0%: no pod may ever be evicted"),
        ("maxUnavailable: 0", "maxUnavailable is 0: no pod may ever be evicted"),
        ("maxUnavailable: 1%", None),  # rounds up to 1
    ],
)
def test_pdb_percentages_round_up(tmp_path: Path, budget: str, message: str | None) -> None:
    text = PDB_MIN.format(budget=budget)
    findings = of(check(tmp_path, text), "pdb-blocks-eviction")
    if message is None:
        assert findings == []
        return
    (finding,) = findings
    assert (finding.severity, finding.line, finding.column) == ("error", *loc(text, budget.split(":")[0]))
    assert finding.message.startswith(message)


def test_pdb_uses_the_autoscalers_minimum(tmp_path: Path) -> None:
    text = PDB_MIN.format(budget="minAvailable: 2") + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
"""
    (finding,) = of(check(tmp_path, text), "pdb-blocks-eviction")
    assert finding.message.startswith("minAvailable 2 requires 2 of the 2 pods of Deployment/web")
    assert (finding.line, finding.column) == loc(text, "minAvailable")
