"""probe-port-unknown: a probe port the kubelet cannot reach over TCP, or one the container does not declare.

httpGet, tcpSocket and grpc probes all connect over TCP to the pod's IP. The
kubelet resolves a port name among the probed container's own ports; a number
needs no declaration (declared ports are informational).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.logic._probes import PROBES, probe
from kgen.check.api import Context, Target, Violation
from kgen.check.validation.formats import quoted
from kgen.model.numbers import digits_value, is_digits

TCP_ACTIONS = ("httpGet", "tcpSocket", "grpc")


@dataclass(frozen=True)
class Ports:
    """A container's declared ports: protocols by number, and number by name."""

    protocols: Mapping[int, frozenset[str]]
    by_name: Mapping[str, int]

    @classmethod
    def of(cls, ports: Any) -> "Ports":
        protocols: dict[int, set[str]] = {}
        by_name: dict[str, int] = {}
        for port in ports if isinstance(ports, list) else ():
            if not isinstance(port, Mapping):
                continue
            number = port.get("containerPort")
            if isinstance(number, bool) or not isinstance(number, int):
                continue
            protocol = port.get("protocol")
            protocols.setdefault(number, set()).add(protocol if protocol in ("UDP", "SCTP") else "TCP")
            name = port.get("name")
            if isinstance(name, str) and name not in by_name:
                by_name[name] = number
        return cls({n: frozenset(p) for n, p in protocols.items()}, by_name)

    def describe(self) -> str:
        names = {number: name for name, number in self.by_name.items()}
        parts = [f"{names[n]}={n}" if n in names else str(n) for n in sorted(self.protocols)]
        return ", ".join(parts) or "none"


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    container = target.data
    name = target.container_name
    ports = Ports.of(container.get("ports"))
    for probe_name in PROBES:
        settings = probe(container, probe_name)
        if settings is None:
            continue
        for action in TCP_ACTIONS:
            spec = settings.get(action)
            if not isinstance(spec, Mapping) or "port" not in spec:
                continue
            where = f'container "{name}": {probe_name} {action}'
            violation = _judge(where, spec["port"], ports)
            if violation is not None:
                message, severity = violation
                yield Violation(message, (probe_name, action, "port"), severity)


def _judge(where: str, port: Any, ports: Ports) -> tuple[str, str | None] | None:
    """The message and severity (None: the rule's own, error) for a probe port, or None when it is fine."""
    if isinstance(port, str) and is_digits(port):
        number = digits_value(port, 5)
        fix = f"write the number {number}" if number is not None and 0 < number < 65536 else "write a number from 1 to 65535"
        return (
            f"{where} port {quoted(port)} is a string of digits, which the API server refuses (a port name "
            f"needs a letter); {fix}",
            None,
        )
    if isinstance(port, str):
        if port not in ports.by_name:
            return (
                f'{where} port "{port}" names no port of this container (its ports: {ports.describe()}); '
                "the kubelet cannot resolve it, so the probe always fails",
                None,
            )
        number = ports.by_name[port]
        shown = f'"{port}" ({number})'
    elif isinstance(port, int) and not isinstance(port, bool):
        number = port
        shown = str(number)
    else:
        return None  # not a port: schema-invalid says so
    protocols = ports.protocols.get(number)
    if protocols is None:
        return (
            f"{where} port {shown} is not declared in the container's ports; the probe still connects "
            "(Kubernetes does not require it), but declaring it, with a name, documents it",
            "info",
        )
    if "TCP" not in protocols:
        return (
            f"{where} port {shown} is declared only for {'/'.join(sorted(protocols))}; the probe "
            "connects over TCP, so it can never succeed",
            None,
        )
    return None
