"""The engine's cross-object index: namespaces separate related objects, relations hold across files."""

from __future__ import annotations

from pathlib import Path

from kgen.check.engine import CheckOptions, run_check

import pytest

from tests.check.support import check, deployment, loc, of, where, write


def test_namespaces_separate_related_objects(tmp_path: Path) -> None:
    text = deployment(namespace="shop", extra_spec="\n  replicas: 3") + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: staging
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: staging
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
"""
    result = check(tmp_path, text)
    rules = ("hpa-target-missing", "hpa-replicas-conflict", "pdb-missing")
    assert where(result, *rules) == [
        ("pdb-missing", *loc(text, "labels:")),
        ("hpa-target-missing", *loc(text, "name: web}")),
    ]
    missing = of(result, "hpa-target-missing")[0]
    assert missing.message == (
        "scale target Deployment/web (API group apps) is not among the checked objects in namespace staging"
    )
    assert of(result, "pdb-missing")[0].message.startswith(
        "Deployment runs 3 replicas but no PodDisruptionBudget selects its pods in namespace shop"
    )


def test_no_namespace_means_the_same_namespace_on_both_sides(tmp_path: Path) -> None:
    text = deployment() + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: default
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
"""
    result = check(tmp_path, text)
    assert where(result, "hpa-target-missing", "replicas-single") == []


def test_relations_across_files(tmp_path: Path) -> None:
    workload = write(tmp_path, deployment(extra_spec="\n  replicas: 2"), "deployment.yaml")
    hpa_text = """
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
    hpa = write(tmp_path, hpa_text, "hpa.yaml")
    rules = ("hpa-target-missing", "hpa-replicas-conflict", "hpa-target-no-requests", "replicas-single", "pdb-missing")

    together = run_check(CheckOptions(paths=(str(workload), str(hpa)), discover_config=False))
    located = [(f.rule, Path(f.file).name, f.line, f.column) for f in of(together, *rules)]
    deployment_text = workload.read_text()
    assert located == [
        ("hpa-replicas-conflict", "deployment.yaml", *loc(deployment_text, "replicas: 2")),
        ("pdb-missing", "deployment.yaml", *loc(deployment_text, "labels:")),
        ("hpa-target-no-requests", "hpa.yaml", *loc(hpa_text, "averageUtilization")),
    ]
    assert of(together, "hpa-target-no-requests")[0].message.startswith(
        'cpu utilization target, but container "web" of Deployment/web has no cpu request'
    )

    alone = run_check(CheckOptions(paths=(str(hpa),), discover_config=False))
    assert where(alone, *rules) == [("hpa-target-missing", *loc(hpa_text, "name: web}"))]


def test_cross_object_findings_are_located_while_the_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """crossObject.reports paths are taken from each target (a pod spec's serviceAccountName), so no
    document is read a second time to place a finding."""
    import kgen.check.engine as engine

    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: shop}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata:
          labels: {app: web}
        spec:
          serviceAccountName: default
          automountServiceAccountToken: true
          containers:
            - name: web
              image: ghcr.io/acme/web:1.2.3
    """
    rules = ("pdb-missing", "default-service-account", "service-account-token-mounted")
    expected = [
        ("pdb-missing", *loc(text, "labels:")),
        ("default-service-account", *loc(text, "serviceAccountName:")),
        ("service-account-token-mounted", *loc(text, "automountServiceAccountToken:")),
    ]
    assert where(check(tmp_path, text), *rules) == expected

    def reread(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cross-object finding was not located from the positions taken at read time")

    monkeypatch.setattr(engine, "load_document_at", reread)
    assert where(check(tmp_path, text), *rules) == expected
