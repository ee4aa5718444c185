"""Ingress (networking.k8s.io/v1): rules, paths and backends, as networking/validation checks them."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import not_supported, refused, validates
from kgen.model.kubeschema import at_least
from kgen.check.validation.formats import quoted as q
from kgen.check.validation.formats import (
    DNS1123_SUBDOMAIN_MAX,
    dns1035_label,
    dns1123_label,
    dns1123_subdomain,
    port_name,
)
from kgen.check.validation.metadata import SERVICE_NAME_RELAXED
from kgen.load.yamlload import FieldPath

PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
#: What an Exact or Prefix path may not contain, or end with (networking/validation).
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"

_WILDCARD = re.compile(r"\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_WILDCARD_MSG = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
    "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
    "(e.g. '*.example.com')"
)


@validates("Ingress")
def ingress(target: Target, ctx: Context) -> Iterator[Violation]:
    if target.obj.get("apiVersion") != "networking.k8s.io/v1":
        return  # the v1beta1 versions are no longer served (api-deprecated says so)
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping):
        return
    found = spec.get("rules")
    rules: list[Any] = found if isinstance(found, list) else []
    default = spec.get("defaultBackend")
    if not rules and not isinstance(default, Mapping):
        yield refused(("spec",), "either `defaultBackend` or `rules` must be specified")
    if isinstance(default, Mapping):
        yield from _backend(default, ("spec", "defaultBackend"), ctx)
    for index, rule in enumerate(rules):
        if isinstance(rule, Mapping):
            yield from _rule(rule, ("spec", "rules", index), ctx)
    tls = spec.get("tls")
    if isinstance(tls, list):
        for index, entry in enumerate(tls):
            if isinstance(entry, Mapping):
                yield from _tls(entry, ("spec", "tls", index))
    yield from _class(target.obj, spec)


def _rule(rule: Mapping[str, Any], at: FieldPath, ctx: Context) -> Iterator[Violation]:
    host = rule.get("host")
    if isinstance(host, str) and host:
        for problem in host_problems(host):
            yield refused(at + ("host",), f"{q(host)}: {problem}")
    http = rule.get("http")
    if not isinstance(http, Mapping):
        return
    paths = http.get("paths")
    if not isinstance(paths, list) or not paths:
        yield refused(at + ("http", "paths"), "Required value: an http rule needs at least one path")
        return
    for index, path in enumerate(paths):
        if isinstance(path, Mapping):
            yield from _path(path, at + ("http", "paths", index), ctx)


def host_problems(host: str) -> list[str]:
    problems = []
    if _is_ip(host):
        problems.append("must be a DNS name, not an IP address")
    if "*" in host:
        if len(host.encode()) > DNS1123_SUBDOMAIN_MAX:
            problems.append(f"must be no more than {DNS1123_SUBDOMAIN_MAX} characters")
        if not _WILDCARD.match(host):
            problems.append(_WILDCARD_MSG)
    else:
        problems.extend(dns1123_subdomain(host))
    return problems


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _path(entry: Mapping[str, Any], at: FieldPath, ctx: Context) -> Iterator[Violation]:
    kind = entry.get("pathType")
    path = entry.get("path", "")
    if kind is None:
        yield refused(at + ("pathType",), "Required value: pathType must be specified (Exact, Prefix or ImplementationSpecific)")
        return  # the API server looks no further at this path
    if not isinstance(path, str):
        path = ""
    if kind in ("Exact", "Prefix"):
        if not path.startswith("/"):
            yield refused(at + ("path",), f"{q(path)} must be an absolute path (starting with /) for pathType {kind}")
        for sequence in INVALID_PATH_SEQUENCES:
            if sequence in path:
                yield refused(at + ("path",), f"{q(path)} must not contain '{sequence}' (pathType {kind})")
        for suffix in INVALID_PATH_SUFFIXES:
            if path.endswith(suffix):
                yield refused(at + ("path",), f"{q(path)} cannot end with '{suffix}' (pathType {kind})")
    elif kind == "ImplementationSpecific":
        if path and not path.startswith("/"):
            yield refused(at + ("path",), f"{q(path)} must be an absolute path (starting with /)")
    elif isinstance(kind, str):
        yield not_supported(at + ("pathType",), kind, PATH_TYPES)
    backend = entry.get("backend")
    if isinstance(backend, Mapping):
        yield from _backend(backend, at + ("backend",), ctx)


def _backend(backend: Mapping[str, Any], at: FieldPath, ctx: Context) -> Iterator[Violation]:
    service = backend.get("service")
    resource = backend.get("resource")
    has_service, has_resource = isinstance(service, Mapping), isinstance(resource, Mapping)
    if has_service and has_resource:
        yield refused(at, "cannot set both resource and service backends")
    elif not has_service and not has_resource:
        yield refused(at, "resource or service backend is required")
    elif isinstance(service, Mapping):
        yield from _service_backend(service, at + ("service",), ctx)


def _service_backend(service: Mapping[str, Any], at: FieldPath, ctx: Context) -> Iterator[Violation]:
    name = service.get("name")
    if isinstance(name, str):
        if not name:
            yield refused(at + ("name",), "Required value: the Service's name")
        relaxed = at_least(ctx.kubernetes_version, SERVICE_NAME_RELAXED)
        for problem in (dns1123_label if relaxed else dns1035_label)(name) if name else ():
            yield refused(at + ("name",), f"{q(name)}: {problem}")
    port = service.get("port")
    port = port if isinstance(port, Mapping) else {}
    port_name_value = port.get("name") if isinstance(port.get("name"), str) else ""
    number = port.get("number") if isinstance(port.get("number"), int) and not isinstance(port.get("number"), bool) else 0
    if port_name_value and number:
        yield refused(at + ("port",), "cannot set both port name & port number")
    elif port_name_value:
        for problem in port_name(port_name_value):
            yield refused(at + ("port", "name"), f"{q(port_name_value)}: {problem}")
    elif number:
        if not 1 <= number <= 65535:
            yield refused(at + ("port", "number"), f"{number} must be between 1 and 65535, inclusive")
    else:
        yield refused(at + ("port",), "Required value: port name or number is required")


def _tls(entry: Mapping[str, Any], at: FieldPath) -> Iterator[Violation]:
    hosts = entry.get("hosts")
    if isinstance(hosts, list):
        for index, host in enumerate(hosts):
            if not isinstance(host, str):
                continue
            problems = [p for p in host_problems(host) if p != "must be a DNS name, not an IP address"]
            for problem in problems:
                yield refused(at + ("hosts", index), f"{q(host)}: {problem}")
    secret = entry.get("secretName")
    if isinstance(secret, str) and secret:
        for problem in dns1123_subdomain(secret):
            yield refused(at + ("secretName",), f"{q(secret)}: {problem}")


def _class(obj: Mapping[str, Any], spec: Mapping[str, Any]) -> Iterator[Violation]:
    name = spec.get("ingressClassName")
    if isinstance(name, str):
        for problem in dns1123_subdomain(name):
            yield refused(("spec", "ingressClassName"), f"{q(name)}: {problem}")
    metadata = obj.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    if isinstance(annotations, Mapping) and isinstance(name, str) and INGRESS_CLASS_ANNOTATION in annotations:
        value = annotations[INGRESS_CLASS_ANNOTATION]
        if value != name:
            yield Violation(
                f"metadata.annotations[{INGRESS_CLASS_ANNOTATION}]: {q(str(value))} must match "
                f"`ingressClassName` ({q(name)}) when both are specified",
                ("metadata", "annotations", INGRESS_CLASS_ANNOTATION),
            )
