"""run-as-root: the pod's securityContext is inherited and overridden per container."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of


def test_pod_security_context_is_inherited_and_overridden(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: inherits
          image: nginx:1.27
        - name: overrides
          image: nginx:1.27
          securityContext:
            runAsNonRoot: false
        - name: root
          image: nginx:1.27
          securityContext:
            runAsUser: 0
    """
    result = check(tmp_path, text)
    assert [(f.container, f.line, f.column, f.message) for f in of(result, "run-as-root")] == [
        (
            "overrides",
            *loc(text, "runAsNonRoot: false"),
            'container "overrides" may run as root: neither runAsNonRoot: true nor a non-zero runAsUser '
            "is set on the container or its pod",
        ),
        ("root", *loc(text, "runAsUser: 0"), 'container "root" runs as root (runAsUser: 0)'),
    ]


def test_pod_level_uid_zero_is_reported_where_it_is_set_even_when_containers_override_it(tmp_path: Path) -> None:
    text = """
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
          securityContext:
            runAsUser: 0
          initContainers:
            - name: init
              image: busybox:1.36
          containers:
            - name: web
              image: nginx:1.27
              securityContext: {runAsUser: 1000}
    """
    result = check(tmp_path, text)
    assert [(f.container, f.line, f.column, f.severity, f.message) for f in of(result, "run-as-root")] == [
        (None, *loc(text, "runAsUser: 0"), "warning",
         "the pod sets runAsUser: 0: its containers without a runAsUser of their own run as root, and Pod Security "
         "restricted refuses the pod even when every container sets its own"),
    ]


def test_user_namespaces_relax_it_from_1_35(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      hostUsers: false
      containers:
        - name: web
          image: nginx:1.27
    """
    assert of(check(tmp_path, text, kubernetes_version="1.35"), "run-as-root") == []
    assert [f.line for f in of(check(tmp_path, text, kubernetes_version="1.34"), "run-as-root")] == [loc(text, "- name: web")[0]]
