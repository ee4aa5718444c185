"""Suppression by kgen.dev/ignore on the object or its pod template: findings kept, marked and counted."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of


def test_pod_template_annotation_suppresses(tmp_path: Path) -> None:
    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 2
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
          annotations:
            kgen.dev/ignore: "image-tag-mutable, pdb-missing"
        spec:
          containers:
            - name: web
              image: nginx:latest
    """
    result = check(tmp_path, text)
    budget, tag = of(result, "image-tag-mutable", "pdb-missing")  # in line order
    assert (tag.suppressed, tag.line, tag.column) == (True, *loc(text, "image:"))
    assert (budget.suppressed, budget.line, budget.column) == (True, *loc(text, "labels:"))
    assert not any(f.suppressed for f in result.findings if f.rule not in ("image-tag-mutable", "pdb-missing"))
    assert result.summary.suppressed == 2
    unsuppressed_warnings = sum(1 for f in result.findings if f.severity == "warning" and not f.suppressed)
    assert result.summary.by_severity["warning"] == unsuppressed_warnings


def test_object_annotation_suppresses_only_that_object(tmp_path: Path) -> None:
    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: admin
      annotations:
        kgen.dev/ignore: replicas-single
    spec:
      selector:
        matchLabels: {app: admin}
      template:
        metadata:
          labels: {app: admin}
        spec:
          containers:
            - name: admin
              image: nginx:1.27
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
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
    result = check(tmp_path, text)
    assert [(f.object.name, f.suppressed, f.line, f.column) for f in of(result, "replicas-single")] == [
        ("admin", True, *loc(text, "spec:", 1)),
        ("web", False, *loc(text, "spec:", 3)),
    ]


def test_star_suppresses_every_rule_of_the_object(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: debug
      annotations: {kgen.dev/ignore: "*"}
    spec:
      containers:
        - name: shell
          image: busybox
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: other
    spec:
      containers:
        - name: shell
          image: busybox
    """
    result = check(tmp_path, text)
    debug = [f for f in result.findings if f.object.name == "debug"]
    other = [f for f in result.findings if f.object.name == "other"]
    assert debug and all(f.suppressed for f in debug)
    assert other and not any(f.suppressed for f in other)
    assert {f.rule for f in debug} == {f.rule for f in other}
    assert result.summary.suppressed == len(debug)
