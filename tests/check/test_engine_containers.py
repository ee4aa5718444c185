"""Which containers a rule sees: init containers, native sidecars, run-to-completion pods."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc, of, where


def test_native_sidecars_are_long_running_and_init_containers_are_not(tmp_path: Path) -> None:
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
        spec:
          initContainers:
            - name: migrate
              image: ghcr.io/acme/migrate:1.0.0
            - name: proxy
              image: envoyproxy/envoy:v1.31.0
              restartPolicy: Always
          containers:
            - name: web
              image: nginx:1.27
              livenessProbe: {tcpSocket: {port: 80}}
              readinessProbe: {httpGet: {path: /ready, port: 80}}
    """
    result = check(tmp_path, text)
    proxy = loc(text, "name: proxy")
    assert where(result, "liveness-probe-missing", "readiness-probe-missing") == [
        ("liveness-probe-missing", *proxy),
        ("readiness-probe-missing", *proxy),
    ]
    assert [f.container for f in of(result, "memory-requests-missing")] == ["migrate", "proxy", "web"]


TASK = "containers: [{name: task, image: busybox:1.36, livenessProbe: {exec: {command: [cat, /tmp/x]}, periodSeconds: 1}}]"


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        ("Job", f"template:\n    spec:\n      restartPolicy: Never\n      {TASK}"),
        ("Pod", f"restartPolicy: OnFailure\n  {TASK}"),
    ],
)
def test_run_to_completion_is_exempt_from_probe_rules(tmp_path: Path, kind: str, spec: str) -> None:
    api = "batch/v1" if kind == "Job" else "v1"
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: task\nspec:\n  {spec}\n"
    result = check(tmp_path, text)
    probes = ("liveness-probe-missing", "readiness-probe-missing", "probe-over-sensitive")
    assert where(result, *probes, "liveness-equals-readiness") == []
    assert where(result, "cpu-requests-missing") != []  # the container is still checked
