"""hpa-max-not-above-min: maxReplicas below minReplicas is an error, equal a warning."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of


def test_hpa_max_below_min_is_an_error_and_equal_a_warning(tmp_path: Path) -> None:
    text = """
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: below
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      minReplicas: 3
      maxReplicas: 2
    ---
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: equal
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      minReplicas: 3
      maxReplicas: 3
    """
    below, equal = of(check(tmp_path, text), "hpa-max-not-above-min")
    assert (below.severity, below.line, below.column) == ("error", *loc(text, "maxReplicas: 2"))
    assert below.message.startswith("maxReplicas 2 is below minReplicas 3")
    assert (equal.severity, equal.line, equal.column) == ("warning", *loc(text, "maxReplicas: 3"))
