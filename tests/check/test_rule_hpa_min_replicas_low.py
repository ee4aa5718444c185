"""hpa-min-replicas-low: minReplicas below the minimum, absent counting as 1."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of, where


def test_unset_hpa_min_replicas_defaults_to_one(tmp_path: Path) -> None:
    text = """
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: web
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      maxReplicas: 1
    """
    result = check(tmp_path, text)
    assert where(result, "hpa-min-replicas-low", "hpa-max-not-above-min") == [
        ("hpa-min-replicas-low", *loc(text, "spec:")),
        ("hpa-max-not-above-min", *loc(text, "maxReplicas")),
    ]
    low, equal = of(result, "hpa-min-replicas-low", "hpa-max-not-above-min")
    assert low.message.startswith("minReplicas is 1 (the default, as it is not set); at least 2")
    assert equal.message.startswith("maxReplicas equals minReplicas (1)")
    assert equal.severity == "warning"
