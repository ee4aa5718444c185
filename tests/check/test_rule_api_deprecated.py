"""api-deprecated: deprecation and removal depend on the target Kubernetes version."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc, of


HPA_V2BETA2 = "HorizontalPodAutoscaler autoscaling/v2beta2"


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1.25", f"{HPA_V2BETA2} is deprecated since Kubernetes 1.23, and is removed in 1.26; use autoscaling/v2"),
        ("1.26", f"{HPA_V2BETA2} was removed in Kubernetes 1.26 (target: 1.26); use autoscaling/v2"),
        ("v1.30", f"{HPA_V2BETA2} was removed in Kubernetes 1.26 (target: 1.30); use autoscaling/v2"),
    ],
)
def test_api_deprecation_depends_on_the_target_version(tmp_path: Path, version: str, message: str) -> None:
    text = """
    apiVersion: autoscaling/v2beta2
    kind: HorizontalPodAutoscaler
    metadata:
      name: web
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      minReplicas: 2
      maxReplicas: 4
    """
    for schema_validation in (True, False):
        result = check(tmp_path, text, kubernetes_version=version, schema_validation=schema_validation)
        (finding,) = of(result, "api-deprecated")
        assert (finding.line, finding.column, finding.message) == (*loc(text, "apiVersion"), message)
