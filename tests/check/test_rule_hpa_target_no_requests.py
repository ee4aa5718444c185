"""hpa-target-no-requests: a utilization target on a resource the target's containers do not request."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, deployment, loc, of, where


def test_hpa_target_request_defaults_to_the_limit(tmp_path: Path) -> None:
    text = deployment(container="\n          resources:\n            limits: {cpu: 500m, memory: 256Mi}") + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
"""
    result = check(tmp_path, text)
    assert of(result, "hpa-target-no-requests") == []
    # the request rules still ask for the request to be written down
    assert where(result, "cpu-requests-missing") == [("cpu-requests-missing", *loc(text, "resources:"))]
