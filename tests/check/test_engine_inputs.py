"""What the engine reads: objects inside a (nested) List, located in the List."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of, where


def test_objects_inside_a_list(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: List
    items:
      - apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx:latest
      - apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata:
          name: web
        spec:
          maxUnavailable: 0
          selector:
            matchLabels: {app: web}
    """
    result = check(tmp_path, text)
    rules = ("replicas-single", "image-tag-mutable", "api-deprecated", "pdb-blocks-eviction")
    assert where(result, *rules) == [
        ("replicas-single", *loc(text, "replicas: 1")),
        ("image-tag-mutable", *loc(text, "image:")),
        ("api-deprecated", *loc(text, "apiVersion: policy")),
        ("pdb-blocks-eviction", *loc(text, "maxUnavailable")),
    ]
    tag = of(result, "image-tag-mutable")[0]
    assert (tag.object.kind, tag.object.name, tag.path) == ("Deployment", "web", "spec.template.spec.containers[0].image")
    assert result.summary.objects == 2
