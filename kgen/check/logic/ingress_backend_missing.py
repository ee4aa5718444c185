"""ingress-backend-missing: an Ingress backend's Service, or its port, is not among the checked objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._refs import describe_service_ports, judged, list_of, missing_severity, service_ports
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import get_path

#: The Ingress versions whose backends name a Service as serviceName and servicePort.
LEGACY = frozenset({"extensions/v1beta1", "networking.k8s.io/v1beta1"})


def backends(data: Mapping[str, Any], legacy: bool) -> Iterator[FieldPath]:
    """Where each backend sits: the default backend, then each rule's paths'."""
    yield ("spec", "backend") if legacy else ("spec", "defaultBackend")
    for r, rule in enumerate(list_of(data, ("spec", "rules"))):
        paths = get_path(rule, ("http", "paths")) if isinstance(rule, Mapping) else None
        for p, _ in enumerate(paths if isinstance(paths, list) else ()):
            yield ("spec", "rules", r, "http", "paths", p, "backend")


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    if not judged(ctx, ctx.index.has_kind("", "Service")):
        return
    legacy = entry.ref.api_version in LEGACY
    for at in backends(entry.data, legacy):
        backend = get_path(entry.data, at)
        if not isinstance(backend, Mapping):
            continue
        if legacy:
            name, port, name_at, port_at = backend.get("serviceName"), backend.get("servicePort"), at + (
                "serviceName",), at + ("servicePort",)
            by_name = isinstance(port, str)
        else:
            service = backend.get("service")
            if not isinstance(service, Mapping):
                continue  # a resource backend (a custom kind) is not a Service
            name, name_at = service.get("name"), at + ("service", "name")
            ref = service.get("port")
            ref = ref if isinstance(ref, Mapping) else {}
            by_name = "name" in ref
            port = ref.get("name") if by_name else ref.get("number")
            port_at = at + ("service", "port", "name" if by_name else "number")
        if not isinstance(name, str):
            continue
        found = ctx.index.service(entry.namespace, name)
        if found is None:
            yield Violation(
                f"Ingress {entry.ref.name} sends traffic to Service {name}, which is not among the checked "
                f"Services of namespace {entry.namespace}; the ingress controller has no backend for it "
                "and answers 503",
                name_at,
                severity=missing_severity(ctx),
            )
            continue
        if port is None or get_path(found.data, ("spec", "type")) == "ExternalName":
            continue  # an ExternalName Service may declare no ports: controllers use the Ingress's
        key = "name" if by_name else "port"
        if any(p.get(key) == port for p in service_ports(found)):
            continue
        what = f"a port named {port}" if by_name else f"port {port}"
        yield Violation(
            f"Ingress {entry.ref.name} sends traffic to {what} of Service {name}, which has no such port "
            f"(its ports: {describe_service_ports(found)}); the ingress controller has no endpoint for it",
            port_at,
            severity="error",
        )
