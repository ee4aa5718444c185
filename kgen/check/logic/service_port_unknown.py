"""service-port-unknown: a targetPort the selected pods do not declare for the port's protocol.

The endpoints controller resolves a named targetPort in each selected pod,
among its containers' ports and then its native sidecars', matching name
and protocol; a pod where it resolves nowhere gets no endpoint for that
port. A number is used as it is, declared or not.

What a port finds is kept per selector: Services sharing one (a chart's
per-environment copies) read the selected pods' ports once.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, ObjectEntry, Target, Violation
from kgen.model.numbers import is_digits
from kgen.check.logic._refs import names, protocol_of, service_ports, serving_ports
from kgen.check.logic.service_selects_no_pods import selector_of


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    selector = selector_of(target)
    if selector is None:
        return
    namespace, index = target.entry.namespace, ctx.index
    pods = index.pods_selected(namespace, {"matchLabels": selector}, False)
    if not pods:
        return  # service-selects-no-pods says so
    declared = index.memo(
        ("service-port-unknown", namespace, selector), lambda: {id(pod): list(serving_ports(pod)) for pod in pods}
    )
    for number, port in enumerate(service_ports(target.entry)):
        field = "targetPort" if "targetPort" in port else "port"  # targetPort defaults to port
        wanted = port.get(field)
        protocol = protocol_of(port)
        where = ("spec", "ports", number, field)
        if isinstance(wanted, str) and not is_digits(wanted):  # digits only: refused as a port name
            found = lambda: list(_named(wanted, protocol, port, pods, declared, where))  # noqa: E731
        elif isinstance(wanted, int) and not isinstance(wanted, bool):
            found = lambda: list(_numbered(wanted, protocol, field, pods, declared, where))  # noqa: E731
        else:
            continue
        yield from index.memo(("service-port-unknown", namespace, selector, wanted, protocol, port.get("port"), where), found)


def _named(
    name: str,
    protocol: str,
    port: Mapping[str, Any],
    pods: tuple[ObjectEntry, ...],
    declared: Mapping[int, list[Mapping[str, Any]]],
    where: tuple[str | int, ...],
) -> Iterator[Violation]:
    lacking = [
        pod for pod in pods
        if not any(p.get("name") == name and protocol_of(p) == protocol for p in declared[id(pod)])
    ]
    if not lacking:
        return
    lacks = {id(pod) for pod in lacking}
    other = sorted({protocol_of(p) for pod in lacking for p in declared[id(pod)] if p.get("name") == name})
    only = f" (they declare it for {' and '.join(other)} only)" if other else ""
    service_port = port.get("port")
    if len(lacking) == len(pods):
        yield Violation(
            f"targetPort {name} names a port that no container of the selected pods ({names(pods)}) declares "
            f"for {protocol}{only}; the endpoints controller resolves it in no pod, so port {service_port} "
            "routes nothing",
            where,
        )
        return
    yield Violation(
        f"targetPort {name} is not declared for {protocol} by the pods of {names(lacking)}{only}; those pods get "
        f"no endpoint for port {service_port}, only the pods of "
        f"{names(p for p in pods if id(p) not in lacks)} receive its traffic",
        where,
        severity="warning",
    )


def _numbered(
    number: int,
    protocol: str,
    field: str,
    pods: tuple[ObjectEntry, ...],
    declared: Mapping[int, list[Mapping[str, Any]]],
    where: tuple[str | int, ...],
) -> Iterator[Violation]:
    lacking = [
        pod for pod in pods
        if not any(p.get("containerPort") == number and protocol_of(p) == protocol for p in declared[id(pod)])
    ]
    if not lacking:
        return
    how = f"targetPort {number}" if field == "targetPort" else f"port {number} (targetPort unset: the same number)"
    yield Violation(
        f"{how} is not declared for {protocol} by the containers of {names(lacking)}; traffic "
        "is sent to that number anyway, but nothing says a container listens there",
        where,
        severity="info",
    )
