"""ssh-port: TCP 22 in containers of every kind and in a Service's port or targetPort."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "ssh-port"


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text).findings if f.rule == RULE]


def test_container_ports_tcp_by_default_in_every_container_kind(tmp_path: Path) -> None:
    text = """
apiVersion: v1
kind: Pod
metadata:
  name: git
spec:
  initContainers:
    - name: init
      image: busybox:1.36
      ports: [{containerPort: 22, protocol: TCP}]
  containers:
    - name: git
      image: ghcr.io/acme/git:1.0.0
      ports:
        - containerPort: 22
        - containerPort: 22
          protocol: UDP
        - containerPort: 2222
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
      ports: [{containerPort: 22}]
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "containerPort: 22,"), "warning", 'container "init" declares TCP port 22, the SSH port'),
        (RULE, *loc(text, "containerPort: 22", 2), "warning", 'container "git" declares TCP port 22, the SSH port'),
        (RULE, *loc(text, "containerPort: 22}"), "warning", 'container "debug" declares TCP port 22, the SSH port'),
    ]


def test_service_port_and_target_port(tmp_path: Path) -> None:
    text = """
apiVersion: v1
kind: Service
metadata:
  name: git
spec:
  ports:
    - {name: a, port: 22, targetPort: 22}
    - {name: b, port: 2222, targetPort: 22}
    - {name: c, port: 22, protocol: UDP}
    - {name: d, port: 2022, targetPort: ssh}
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "port: 22,"), "warning", "Service git serves TCP port 22, the SSH port"),
        (RULE, *loc(text, "targetPort: 22", 2), "warning", "Service git forwards to TCP port 22, the SSH port"),
    ]


def test_a_service_of_another_group_is_not_a_core_service(tmp_path: Path) -> None:
    text = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: git
spec:
  ports:
    - {port: 22}
"""
    assert findings(tmp_path, text) == []
