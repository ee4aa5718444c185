"""ssh-port: TCP port 22 declared by a container, or served or targeted by a Service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.model.k8s import containers, get_path

SSH = 22
ALL_CONTAINERS = ("initContainers", "containers", "ephemeralContainers")


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    if entry.pod_spec_path is not None:
        path = entry.pod_spec_path
        for ref in containers(get_path(target.data, path), path, ALL_CONTAINERS):
            for index, port in _tcp_ports(ref.data.get("ports")):
                if port.get("containerPort") == SSH:
                    yield Violation(
                        f'container "{ref.name}" declares TCP port 22, the SSH port',
                        ref.path + ("ports", index, "containerPort"),
                    )
    elif entry.kind == "Service" and entry.group == "":
        for index, port in _tcp_ports(get_path(target.data, ("spec", "ports"))):
            for field_name in ("port", "targetPort"):
                if port.get(field_name) == SSH:
                    yield Violation(
                        f"Service {entry.ref.name} {'serves' if field_name == 'port' else 'forwards to'} TCP port 22, "
                        "the SSH port",
                        ("spec", "ports", index, field_name),
                    )
                    break


def _tcp_ports(ports: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The TCP entries of a ports list (TCP is the default protocol)."""
    for index, port in enumerate(ports if isinstance(ports, list) else ()):
        if isinstance(port, Mapping) and port.get("protocol", "TCP") == "TCP":
            yield index, port
