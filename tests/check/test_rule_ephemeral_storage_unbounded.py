"""ephemeral-storage-unbounded (off by default): each unbounded container and emptyDir, at its own place."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "ephemeral-storage-unbounded"


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, enable=(RULE,))
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_containers_and_empty_dirs(tmp_path: Path) -> None:
    text = """
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
    - name: init
      image: busybox:1.36
      resources:
        limits: {ephemeral-storage: 100Mi}
  containers:
    - name: web
      image: nginx:1.27
      resources:
        requests: {ephemeral-storage: 1Gi}
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
  volumes:
    - name: shm
      emptyDir:
        medium: Memory
    - name: bare
    - name: sized
      emptyDir: {sizeLimit: 1Gi}
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "resources:", 2), "warning",  # no limits: at resources
         'container "web" sets no resources.limits.ephemeral-storage; its writable layer and logs may fill the node\'s disk'),
        (RULE, *loc(text, "emptyDir:"), "warning",
         "emptyDir volume \"shm\" sets no sizeLimit; it may grow in memory up to the pod's memory limit"),
        (RULE, *loc(text, "name: bare"), "warning",
         "emptyDir volume \"bare\" sets no sizeLimit; it may grow until the node's disk is full"),
    ]
