"""recommended-labels (off by default): the object and its pod template, each with the missing keys named."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "recommended-labels"
TEXT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: web-prod
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_labels_on_the_deployment_are_not_its_pods_labels(tmp_path: Path) -> None:
    assert findings(tmp_path, TEXT, enable=(RULE,)) == [
        (RULE, *loc(TEXT, "labels: {app: web}"), "info",
         "Deployment spec.template.metadata.labels of its pod template lacks app.kubernetes.io/name, "
         "app.kubernetes.io/instance"),
    ]
    assert findings(tmp_path, TEXT) == []  # off by default


def test_the_parameter_sets_the_required_keys(tmp_path: Path) -> None:
    (tmp_path / ".kgen.yaml").write_text(
        f"rules:\n  {RULE}:\n    enabled: true\n    params:\n      labels: [app.kubernetes.io/managed-by, app]\n"
    )
    assert findings(tmp_path, TEXT, config_path=tmp_path / ".kgen.yaml") == [
        (RULE, *loc(TEXT, "labels:"), "info", "Deployment metadata.labels lacks app.kubernetes.io/managed-by, app"),
        (RULE, *loc(TEXT, "labels: {app: web}"), "info",
         "Deployment spec.template.metadata.labels of its pod template lacks app.kubernetes.io/managed-by"),
    ]
