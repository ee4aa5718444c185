"""route-backend-missing: a Gateway API route's backendRef names a Service, port or grant that is missing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, ObjectEntry, Target, Violation
from kgen.check.index import GATEWAY_GROUP
from kgen.check.logic._refs import describe_service_ports, judged, list_of, missing_severity, service_ports


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    if entry.group != GATEWAY_GROUP:
        return
    for r, rule in enumerate(list_of(entry.data, ("spec", "rules"))):
        refs = rule.get("backendRefs") if isinstance(rule, Mapping) else None
        for b, ref in enumerate(refs if isinstance(refs, list) else ()):
            if isinstance(ref, Mapping):
                yield from _backend(entry, ctx, ref, ("spec", "rules", r, "backendRefs", b))


def _backend(entry: ObjectEntry, ctx: Context, ref: Mapping[str, Any], at: tuple[str | int, ...]) -> Iterator[Violation]:
    group, kind, name = ref.get("group", ""), ref.get("kind", "Service"), ref.get("name")
    if (group, kind) != ("", "Service") or not isinstance(name, str):
        return  # another backend kind: its own controller resolves it
    given = ref.get("namespace")
    namespace = given if isinstance(given, str) and given else entry.namespace
    port = ref.get("port")
    if port is None:
        yield Violation(
            f"backendRef to Service {name} has no port; a Service backend needs one (the Gateway API "
            "refuses the route, or resolves no backend for it)",
            at,
            severity="error",
        )
    if namespace != entry.namespace and judged(ctx, ctx.index.has_kind(GATEWAY_GROUP, "ReferenceGrant")):
        if not _granted(ctx, entry, namespace, name):
            yield Violation(
                f"backendRef to Service {name} in namespace {namespace} crosses namespaces, and no checked "
                f"ReferenceGrant of namespace {namespace} lets {entry.kind}s of namespace {entry.namespace} "
                "refer to it; the reference is refused (RefNotPermitted) and the rule gets no backend",
                at + ("namespace",),
                severity=missing_severity(ctx),
            )
    if not judged(ctx, ctx.index.has_kind("", "Service")):
        return
    service = ctx.index.service(namespace, name)
    if service is None:
        yield Violation(
            f"{entry.kind} {entry.ref.name} sends traffic to Service {name}, which is not among the checked "
            f"Services of namespace {namespace}; the backend is unresolved (BackendNotFound) and its "
            "share of requests fails",
            at + ("name",),
            severity=missing_severity(ctx),
        )
        return
    if port is None or any(p.get("port") == port for p in service_ports(service)):
        return
    yield Violation(
        f"{entry.kind} {entry.ref.name} sends traffic to port {port} of Service {name}, which has no such port (its ports: "
        f"{describe_service_ports(service)}); the backend is unresolved and its share of requests fails",
        at + ("port",),
        severity="error",
    )


def _granted(ctx: Context, route: ObjectEntry, namespace: str, name: str) -> bool:
    """Whether a ReferenceGrant of the Service's namespace lets this route's kind and namespace refer to it."""
    for grant in ctx.index.reference_grants_in(namespace):
        sources = list_of(grant.data, ("spec", "from"))
        targets = list_of(grant.data, ("spec", "to"))
        if not any(
            isinstance(s, Mapping) and s.get("group") == GATEWAY_GROUP and s.get("kind") == route.kind
            and s.get("namespace") == route.namespace
            for s in sources
        ):
            continue
        if any(
            isinstance(t, Mapping) and t.get("group", "") == "" and t.get("kind") == "Service"
            and t.get("name") in (None, "", name)
            for t in targets
        ):
            return True
    return False
