"""privileged-port: a port below 1024 that a non-root container may fail to bind, and every way it can bind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "privileged-port"
RUNTIMES = (
    "the bind works only where net.ipv4.ip_unprivileged_port_start is lowered for the pod: containerd 2.0 and "
    "later do it by default, containerd 1.x and CRI-O do not, so the pod fails to listen on some clusters"
)


def pod(pod_context: str = "", container_context: str = "", extra: str = "", port: int = 80) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:{extra}
  securityContext: {{{pod_context}}}
  containers:
    - name: web
      image: nginx:1.27
      securityContext: {{{container_context}}}
      ports:
        - containerPort: {port}
"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text).findings if f.rule == RULE]


def message(user: str, where: str = RUNTIMES, port: int = 80) -> str:
    return (
        f'container "web" runs as a non-root user ({user}) without NET_BIND_SERVICE and declares containerPort '
        f"{port}, below 1024; {where}"
    )


@pytest.mark.parametrize(
    ("pod_context", "container_context", "user"),
    [
        ("runAsUser: 1000", "", "runAsUser 1000 on the pod"),
        ("", "runAsUser: 101", "runAsUser 101 on the container"),
        ("runAsNonRoot: true", "", "runAsNonRoot on the pod"),
        ("runAsUser: 0", "runAsNonRoot: true", "runAsUser 0"),
        ("runAsUser: 1000, runAsNonRoot: false", "", "runAsUser 1000 on the pod"),
    ],
)
def test_who_runs_it(tmp_path: Path, pod_context: str, container_context: str, user: str) -> None:
    text = pod(pod_context, container_context)
    expected = [] if user == "runAsUser 0" else [(RULE, *loc(text, "containerPort"), "warning", message(user))]
    assert findings(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("pod_context", "container_context"),
    [
        ("runAsUser: 1000", "runAsUser: 0"),
        ("runAsNonRoot: true", "runAsNonRoot: false"),
        ("", ""),
        ("runAsUser: 1000", "capabilities: {add: [NET_BIND_SERVICE]}"),
        ("runAsUser: 1000", "capabilities: {add: [CAP_NET_BIND_SERVICE]}"),
        ("runAsUser: 1000", "capabilities: {add: [ALL]}"),
        ("runAsUser: 1000", "privileged: true"),
        ("runAsUser: 1000, sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: '0'}]", ""),
        ("runAsUser: 1000, sysctls: [{name: net/ipv4/ip_unprivileged_port_start, value: '80'}]", ""),
    ],
)
def test_quiet_when_the_bind_works(tmp_path: Path, pod_context: str, container_context: str) -> None:
    assert findings(tmp_path, pod(pod_context, container_context)) == []


def test_ports_of_1024_and_above_and_windows_pods(tmp_path: Path) -> None:
    assert findings(tmp_path, pod("runAsUser: 1000", port=1024)) == []
    assert findings(tmp_path, pod("runAsNonRoot: true", extra="\n  os: {name: windows}")) == []


def test_a_sysctl_above_the_port_fails_everywhere(tmp_path: Path) -> None:
    text = pod("runAsUser: 1000, sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: '100'}]")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "containerPort"), "warning",
         message("runAsUser 1000 on the pod",
                 "the pod sets net.ipv4.ip_unprivileged_port_start to 100, above the port, so the bind fails on every node")),
    ]


def test_host_network_uses_the_nodes_setting_and_ignores_the_pod_sysctl(tmp_path: Path) -> None:
    text = pod(
        "runAsUser: 65534, sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: '0'}]",
        extra="\n  hostNetwork: true",
        port=53,
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "containerPort"), "warning",
         message("runAsUser 65534 on the pod",
                 "it shares the node's network namespace (hostNetwork), where the node's "
                 "net.ipv4.ip_unprivileged_port_start applies (1024 unless the node lowers it) and no pod sysctl "
                 "can change it", port=53)),
    ]
