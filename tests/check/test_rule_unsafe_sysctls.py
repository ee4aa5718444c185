"""unsafe-sysctls: the safe set grows by the target Kubernetes version."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc, of

RULE = "unsafe-sysctls"


def pod(name: str) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: tuned
spec:
  securityContext:
    sysctls:
      - name: {name}
        value: "1"
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
"""


@pytest.mark.parametrize(
    ("name", "safe_from"),
    [
        ("net.ipv4.ip_local_reserved_ports", "1.27"),
        ("net.ipv4.tcp_keepalive_probes", "1.29"),
        ("net.ipv4.tcp_wmem", "1.32"),
        ("net.ipv4.tcp_notsent_lowat", "1.37"),
    ],
)
def test_a_sysctl_becomes_safe_at_its_version(tmp_path: Path, name: str, safe_from: str) -> None:
    text = pod(name)
    major, minor = safe_from.split(".")
    before = f"{major}.{int(minor) - 1}"
    if int(minor) - 1 >= 25:
        result = check(tmp_path, text, kubernetes_version=before)
        assert [(f.line, f.column, f.severity, f.message) for f in of(result, RULE)] == [
            (*loc(text, f"name: {name}"), "warning",
             f"sysctl {name} is not in the safe set of Kubernetes {before} (it is safe from Kubernetes {safe_from}): "
             "Pod Security baseline refuses it, and a kubelet that does not list it in --allowed-unsafe-sysctls "
             "rejects the pod"),
        ]
    assert of(check(tmp_path, text, kubernetes_version=safe_from), RULE) == []


def test_never_safe_has_no_version_note(tmp_path: Path) -> None:
    text = pod("vm.max_map_count")
    assert [f.message for f in of(check(tmp_path, text), RULE)] == [
        "sysctl vm.max_map_count is not in the safe set of Kubernetes 1.37: Pod Security baseline refuses it, and a "
        "kubelet that does not list it in --allowed-unsafe-sysctls rejects the pod"
    ]
