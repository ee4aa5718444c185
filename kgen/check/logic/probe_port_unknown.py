"""probe-port-unknown: a probe port (number or name) the container does not declare."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._probes import PROBES, probe
from kgen.check.policy import Violation


def check(target: Any, ctx: Any, params: Mapping[str, Any]) -> Iterator[Violation]:
    container = target.data
    numbers, names = _declared(container.get("ports"))
    for name in PROBES:
        settings = probe(container, name)
        if settings is None:
            continue
        for action in ("httpGet", "tcpSocket", "grpc"):
            spec = settings.get(action)
            if not isinstance(spec, Mapping) or "port" not in spec:
                continue
            port = spec["port"]
            if _known(port, numbers, names):
                continue
            declared = ", ".join([*map(str, sorted(numbers)), *sorted(names)]) or "none"
            yield Violation(
                f'container "{target.container.name}": {name} {action} port {port!r} is not a declared '
                f"container port (declared: {declared})",
                (name, action, "port"),
            )


def _declared(ports: Any) -> tuple[set[int], set[str]]:
    numbers: set[int] = set()
    names: set[str] = set()
    if isinstance(ports, list):
        for port in ports:
            if isinstance(port, Mapping):
                if isinstance(port.get("containerPort"), int):
                    numbers.add(port["containerPort"])
                if isinstance(port.get("name"), str):
                    names.add(port["name"])
    return numbers, names


def _known(port: Any, numbers: set[int], names: set[str]) -> bool:
    if isinstance(port, bool):
        return False
    if isinstance(port, int):
        return port in numbers
    if isinstance(port, str):
        if port.isdigit():
            return int(port) in numbers
        return port in names
    return False
