"""A kind is itself only in the API groups that serve it: v1/Deployment is no Deployment."""

from __future__ import annotations

from pathlib import Path

from kgen.check.engine import CheckOptions, run_check
from kgen.model.kubeschema import latest_version

MANIFEST = """\
apiVersion: v1
kind: PodDisruptionBudget
metadata: {name: p}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27.1"}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: web}
spec: {}
---
apiVersion: example.com/v1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec: {minReplicas: 1, maxReplicas: 1}
"""


def test_built_in_kinds_under_a_group_that_does_not_serve_them(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    release = latest_version()
    assert [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings] == [
        ("schema-invalid", 1, 1, "error",
         f"apiVersion: Kubernetes {release} does not serve PodDisruptionBudget at v1; it is served as policy/v1"),
        ("schema-invalid", 6, 1, "error",
         f"apiVersion: Kubernetes {release} does not serve Deployment at v1; it is served as apps/v1"),
    ]
    # the custom resources are not built-in kinds: no HPA rule looks at example.com's kind of that name
    assert result.summary.skipped_unknown_kind == 2
