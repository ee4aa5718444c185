"""privileged-port: a container port below 1024 in a container that runs as a non-root user.

Linux lets only a process with CAP_NET_BIND_SERVICE bind a port below
net.ipv4.ip_unprivileged_port_start (1024 unless lowered), a setting of
each network namespace. Whether a non-root container can bind such a port
depends on the container runtime: containerd 2.0 and later set it to 0 in
every pod's own network namespace by default (enable_unprivileged_ports),
containerd 1.x and CRI-O leave it at 1024. A pod sysctl lowers it anywhere;
with hostNetwork the node's value applies and no pod sysctl may change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.model.k8s import get_path
from kgen.model.numbers import digits_value

PORT_START = "net.ipv4.ip_unprivileged_port_start"
BIND_CAPABILITIES = frozenset({"NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE", "ALL"})


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    container = target.data
    ports = container.get("ports")
    if not isinstance(ports, list):
        return
    low = [
        (index, port["containerPort"])
        for index, port in enumerate(ports)
        if isinstance(port, Mapping) and _below_1024(port.get("containerPort"))
    ]
    if not low:
        return
    pod = target.pod_spec or {}
    user = _non_root_user(container, pod)
    if user is None or _can_bind(container) or get_path(pod, ("os", "name")) == "windows":
        return
    host_network = pod.get("hostNetwork") is True
    start = None if host_network else _port_start(pod)
    for index, number in low:
        if start is not None and number >= start:
            continue
        if host_network:
            where = (
                "it shares the node's network namespace (hostNetwork), where the node's "
                f"{PORT_START} applies (1024 unless the node lowers it) and no pod sysctl can change it"
            )
        elif start is not None:
            where = f"the pod sets {PORT_START} to {start}, above the port, so the bind fails on every node"
        else:
            where = (
                f"the bind works only where {PORT_START} is lowered for the pod: containerd 2.0 and later do it "
                "by default, containerd 1.x and CRI-O do not, so the pod fails to listen on some clusters"
            )
        yield Violation(
            f'container "{target.container_name}" runs as a non-root user ({user}) without NET_BIND_SERVICE '
            f"and declares containerPort {number}, below 1024; {where}",
            ("ports", index, "containerPort"),
        )


def _below_1024(number: Any) -> bool:
    return isinstance(number, int) and not isinstance(number, bool) and 0 < number < 1024


def _non_root_user(container: Mapping[str, Any], pod: Mapping[str, Any]) -> str | None:
    """How the container runs as non-root (the container's setting over the pod's), or None when it may be root."""
    own = container.get("securityContext")
    own = own if isinstance(own, Mapping) else {}
    shared = pod.get("securityContext")
    shared = shared if isinstance(shared, Mapping) else {}
    for field_name in ("runAsUser", "runAsNonRoot"):
        for level, context in (("container", own), ("pod", shared)):
            value = context.get(field_name)
            if field_name == "runAsUser" and isinstance(value, int) and not isinstance(value, bool):
                return f"runAsUser {value} on the {level}" if value != 0 else None
            if field_name == "runAsNonRoot" and isinstance(value, bool):
                if value:
                    return f"runAsNonRoot on the {level}"
                break
    return None


def _can_bind(container: Mapping[str, Any]) -> bool:
    """The container adds NET_BIND_SERVICE (or ALL), or runs privileged."""
    context = container.get("securityContext")
    if not isinstance(context, Mapping):
        return False
    if context.get("privileged") is True:
        return True
    added = get_path(context, ("capabilities", "add"))
    return isinstance(added, list) and any(isinstance(c, str) and c.upper() in BIND_CAPABILITIES for c in added)


def _port_start(pod: Mapping[str, Any]) -> int | None:
    """The pod's own ip_unprivileged_port_start sysctl, if it sets one (either separator)."""
    sysctls = get_path(pod, ("securityContext", "sysctls"))
    for sysctl in sysctls if isinstance(sysctls, list) else ():
        if not isinstance(sysctl, Mapping) or not isinstance(sysctl.get("name"), str):
            continue
        if sysctl["name"].replace("/", ".") == PORT_START:
            value = sysctl.get("value")
            text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
            return digits_value(text)
    return None
