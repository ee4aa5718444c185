"""Manifests the risk-note tests share: a Deployment with slots, and one diff's notes."""

from __future__ import annotations

from diff_support import diff_yaml

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
{spec}  template:
    metadata: {{labels: {{app: {label}}}}}
    spec:
{pod}      containers:
        - name: web
          image: shop/web:1.0
{container}"""


def deployment(replicas: int = 3, spec: str = "", pod: str = "", container: str = "", label: str = "web") -> str:
    return DEPLOYMENT.format(replicas=replicas, spec=spec, pod=pod, container=container, label=label)


def notes(old: str, new: str) -> list[tuple[str, str, str, str]]:
    """(object name, code, path, reason) of every note, in output order."""
    return [
        (f"{obj.key.kind} {obj.key.name}", risk.code, risk.path_text, risk.reason)
        for obj in diff_yaml(old, new).objects
        for risk in obj.risks
    ]
