"""host-port: a hostPort other than 0, in every container kind."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "host-port"


def test_zero_is_no_host_port_and_each_port_is_one_finding(tmp_path: Path) -> None:
    text = """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: proxy
    spec:
      selector:
        matchLabels: {app: proxy}
      template:
        metadata:
          labels: {app: proxy}
        spec:
          containers:
            - name: proxy
              image: nginx:1.27
              ports:
                - {containerPort: 80, hostPort: 0}
                - {containerPort: 443, hostPort: 443}
    """
    result = check(tmp_path, text)
    assert [(f.line, f.column, f.severity, f.container, f.message) for f in of(result, RULE)] == [
        (*loc(text, "hostPort: 443"), "warning", "proxy",
         'container "proxy" binds hostPort 443 on the node: one such pod per node, reachable on the node\'s address'),
    ]


def test_host_network_ports_count_for_admission_not_for_this_rule(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Namespace
    metadata:
      name: edge
      labels: {pod-security.kubernetes.io/enforce: baseline}
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: agent
      namespace: edge
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: prom/node-exporter:v1.8.2
          ports:
            - containerPort: 9100
    """
    result = check(tmp_path, text)
    assert of(result, RULE) == []
    (rejected,) = of(result, "pod-security-rejected")
    assert rejected.message.endswith("it violates Host Namespaces (host-namespaces), Host Ports (host-port)")
