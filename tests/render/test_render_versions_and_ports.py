"""Render follows the target Kubernetes version, and lets a non-root app bind the port it asks for."""

from __future__ import annotations

from typing import Any

from kgen.render.api import render_text

WEB = "name: a\ntype: web\nimage: ghcr.io/acme/a:1.0.0\nport: {port}\nhealth: {{path: /healthz}}\nreplicas: {{min: 2, max: 3}}\n"


def objects(text: str, version: str | None = None) -> dict[str, Any]:
    return {o.kind: o.data for o in render_text(text, kubernetes_version=version).objects}


def test_a_port_below_1024_lowers_the_unprivileged_port_start_of_the_pod() -> None:
    pod = objects(WEB.format(port=80))["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["sysctls"] == [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"}]


def test_ports_from_1024_need_no_sysctl() -> None:
    pod = objects(WEB.format(port=1024))["Deployment"]["spec"]["template"]["spec"]
    assert "sysctls" not in pod["securityContext"]


def test_a_non_root_user_id_needs_the_sysctl_too() -> None:
    text = WEB.format(port=80) + "security: {runAsNonRoot: false, runAsUser: 1000}\n"
    pod = objects(text)["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["sysctls"] == [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"}]


def test_a_root_app_needs_no_sysctl() -> None:
    text = WEB.format(port=80) + "security: {runAsNonRoot: false}\n"
    pod = objects(text)["Deployment"]["spec"]["template"]["spec"]
    assert "sysctls" not in pod["securityContext"]


def test_the_pdb_lets_unhealthy_pods_be_evicted_from_1_27() -> None:
    assert objects(WEB.format(port=8080), "1.27")["PodDisruptionBudget"]["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"
    assert "unhealthyPodEvictionPolicy" not in objects(WEB.format(port=8080), "1.26")["PodDisruptionBudget"]["spec"]
