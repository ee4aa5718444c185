"""host-path-volume: every hostPath, dangerous paths at error as the node resolves them, writable mounts named."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "host-path-volume"


def pod(volumes: str, mounts: str = "[]") -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  initContainers:
    - name: setup
      image: busybox:1.36
      volumeMounts: {mounts}
  containers:
    - name: agent
      image: busybox:1.36
      volumeMounts: {mounts}
  volumes:
{volumes}"""


def found(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text), RULE)]


def test_a_socket_read_only_is_still_the_socket_and_writable_mounts_are_named(tmp_path: Path) -> None:
    text = pod(
        "    - name: sock\n      hostPath: {path: /run/docker.sock}\n"
        "    - name: logs\n      hostPath: {path: /var/log/}\n",
        "[{name: sock, mountPath: /var/run/docker.sock, readOnly: true}, {name: logs, mountPath: /logs}]",
    )
    assert found(tmp_path, text) == [
        (*loc(text, "hostPath"), "error",
         "volume \"sock\" mounts the node's /var/run/docker.sock (hostPath): the container runtime's socket: whoever "
         "reaches it starts privileged containers on the node"),
        (*loc(text, "hostPath", 2), "warning",
         'volume "logs" mounts the node\'s /var/log (hostPath); init container "setup" mounts it writable at /logs, '
         'container "agent" mounts it writable at /logs'),
    ]


def test_the_nodes_own_folders_resolved_as_the_node_resolves_them(tmp_path: Path) -> None:
    text = pod(
        "    - {name: a, hostPath: {path: /etc/../etc/kubernetes/..}}\n"
        "    - {name: b, hostPath: {path: /var/lib/kubelet/}}\n"
        "    - {name: c, hostPath: {path: /run}}\n"
        "    - {name: d, hostPath: {path: /etcd}}\n"
    )
    assert [(line, severity) for line, _, severity, _ in found(tmp_path, text)] == [
        (loc(text, "{name: a,")[0], "error"),
        (loc(text, "{name: b,")[0], "error"),
        (loc(text, "{name: c,")[0], "error"),
        (loc(text, "{name: d,")[0], "warning"),
    ]


def test_podsecurity_restricted_does_not_report_it_twice(tmp_path: Path) -> None:
    (tmp_path / ".kgen.yaml").write_text("podSecurity: restricted\n")
    text = pod("    - {name: a, hostPath: {path: /srv}}\n")
    result = check(tmp_path, text, config_path=tmp_path / ".kgen.yaml")
    assert [(f.rule, f.line) for f in of(result, RULE, "volume-type-restricted")] == [(RULE, loc(text, "{name: a,")[0])]


def test_the_nodes_root_read_only_is_a_warning_a_socket_is_not(tmp_path: Path) -> None:
    text = pod(
        "    - {name: root, hostPath: {path: /}}\n    - {name: sock, hostPath: {path: /var/run/crio/crio.sock}}\n",
        "[{name: root, mountPath: /host, readOnly: true}, {name: sock, mountPath: /crio.sock, readOnly: true}]",
    )
    assert found(tmp_path, text) == [
        (*loc(text, "hostPath", 1), "warning",
         "volume \"root\" mounts the node's / (hostPath): the node's own system files (its configuration, processes, "
         "runtime sockets or kubelet credentials), mounted read-only: still readable"),
        (*loc(text, "hostPath", 2), "error",
         "volume \"sock\" mounts the node's /var/run/crio/crio.sock (hostPath): the container runtime's socket: "
         "whoever reaches it starts privileged containers on the node"),
    ]
