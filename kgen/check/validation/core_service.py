"""Service: ports, type and cluster IP, as core/validation's ValidateService checks them.

Service port names are DNS-1123 labels (up to 63 characters, as the API
server checks them), not IANA service names; a targetPort given by name is
an IANA service name (a container port's name, at most 15 characters). An
unset targetPort, or 0 or "", defaults to the port, and protocol defaults
to TCP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import not_supported, refused, validates
from kgen.check.validation.formats import quoted as q
from kgen.check.validation.formats import dns1123_label, dns1123_subdomain, port_name, qualified_name
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import format_field_path

TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PROTOCOLS = ("SCTP", "TCP", "UDP")
KUBELET_PORT = 10250


@validates("Service")
def service(target: Target, ctx: Context) -> Iterator[Violation]:
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping):
        return
    kind = spec.get("type") or "ClusterIP"  # "" defaults too
    found = spec.get("ports")
    raw_ports: list[Any] = found if isinstance(found, list) else []
    headless_at = _headless_at(spec)
    if not raw_ports and headless_at is None and kind != "ExternalName":
        yield refused(("spec", "ports"), "Required value: a Service needs a port unless it is headless (clusterIP: None) or ExternalName")
    if isinstance(kind, str) and kind not in TYPES:
        yield not_supported(("spec", "type"), kind, TYPES)
    if kind in ("NodePort", "LoadBalancer") and headless_at is not None:
        yield refused(headless_at, f"may not be set to 'None' for {kind} services")
    if kind == "ExternalName":
        yield from _external_name(spec)
    yield from _ports(kind, raw_ports)
    yield from _affinity_and_ranges(spec, kind)


def _headless_at(spec: Mapping[str, Any]) -> FieldPath | None:
    """Where the Service says clusterIP None (clusterIP, else clusterIPs[0], which it defaults from)."""
    if spec.get("clusterIP") == "None":
        return ("spec", "clusterIP")
    ips = spec.get("clusterIPs")
    if "clusterIP" not in spec and isinstance(ips, list) and ips and ips[0] == "None":
        return ("spec", "clusterIPs", 0)
    return None


def _external_name(spec: Mapping[str, Any]) -> Iterator[Violation]:
    name = spec.get("externalName")
    clean = name.removesuffix(".") if isinstance(name, str) else ""
    if not clean:
        yield refused(("spec", "externalName"), "Required value: an ExternalName Service needs the DNS name it aliases")
        return
    for problem in dns1123_subdomain(clean):
        yield refused(("spec", "externalName"), f"{q(str(name))}: {problem}")


def _ports(kind: Any, raw_ports: list[Any]) -> Iterator[Violation]:
    several = len(raw_ports) > 1
    names: dict[str, int] = {}
    seen: dict[tuple[Any, str], int] = {}
    node_ports: dict[tuple[Any, str], int] = {}
    for index, port in enumerate(raw_ports):
        if not isinstance(port, Mapping):
            continue
        at: FieldPath = ("spec", "ports", index)
        name = port.get("name", "")
        if several and name == "":
            yield refused(at + ("name",), "Required value: each port needs a name when a Service has several ports")
        elif isinstance(name, str) and name:
            for problem in dns1123_label(name):
                yield refused(at + ("name",), f"{q(name)}: {problem}")
            if name in names:
                first = format_field_path(("spec", "ports", names[name], "name"))
                yield refused(at + ("name",), f"Duplicate value: {q(name)} (also {first})")
            else:
                names[name] = index
        number = _int(port.get("port"))
        if number is not None and not 1 <= number <= 65535:
            yield refused(at + ("port",), f"{number} must be between 1 and 65535, inclusive")
        protocol = port.get("protocol", "TCP")
        if isinstance(protocol, str) and protocol not in PROTOCOLS:
            yield not_supported(at + ("protocol",), protocol, PROTOCOLS)
        yield from _target_port(port.get("targetPort"), at + ("targetPort",))
        app_protocol = port.get("appProtocol")
        if isinstance(app_protocol, str):
            for problem in qualified_name(app_protocol):
                yield refused(at + ("appProtocol",), f"{q(app_protocol)}: {problem}")
        if kind == "LoadBalancer" and number == KUBELET_PORT:
            yield refused(at + ("port",), f"may not expose port {KUBELET_PORT} externally since it is used by kubelet")
        node_port = _int(port.get("nodePort"))
        if node_port:
            if kind == "ClusterIP":
                yield refused(at + ("nodePort",), "Forbidden: may not be used when `type` is 'ClusterIP'")
            key = (node_port, str(protocol))
            if key in node_ports:
                first = format_field_path(("spec", "ports", node_ports[key], "nodePort"))
                yield refused(at + ("nodePort",), f"Duplicate value: {node_port}/{protocol} (also {first})")
            else:
                node_ports[key] = index
        if number is not None:
            key = (number, str(protocol))
            if key in seen:
                first = format_field_path(("spec", "ports", seen[key]))
                yield refused(at + ("port",), f"Duplicate value: port {number}/{protocol} is also {first}")
            else:
                seen[key] = index


def _target_port(value: Any, at: FieldPath) -> Iterator[Violation]:
    """A number 1-65535 or a container port's name; 0 and "" are unset (the port is used)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if value != 0 and not 1 <= value <= 65535:
            yield refused(at, f"{value} must be between 1 and 65535, inclusive")
    elif isinstance(value, str) and value:
        for problem in port_name(value):
            yield refused(at, f"{q(value)}: {problem}")


def _affinity_and_ranges(spec: Mapping[str, Any], kind: Any) -> Iterator[Violation]:
    affinity = spec.get("sessionAffinity") or "None"
    if affinity == "None" and isinstance(spec.get("sessionAffinityConfig"), Mapping):
        yield refused(("spec", "sessionAffinityConfig"), "Forbidden: must not be set when session affinity is None")
    elif affinity == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client = config.get("clientIP") if isinstance(config, Mapping) else None
        timeout = _int(client.get("timeoutSeconds")) if isinstance(client, Mapping) else None
        if timeout is not None and not 0 < timeout <= 86400:
            yield refused(
                ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"),
                f"{timeout} must be greater than 0 and less than 86400",
            )
    ranges = spec.get("loadBalancerSourceRanges")
    if isinstance(ranges, list) and ranges and kind != "LoadBalancer":
        yield refused(("spec", "loadBalancerSourceRanges"), "Forbidden: may only be used when `type` is 'LoadBalancer'")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
