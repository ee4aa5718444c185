"""Facts shared by the reference rules: what is judged when the checked set may be partial, how
objects and selectors are named in messages, and the ports of Services and pods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable, Iterator

from kgen.check.api import Context, ObjectEntry
from kgen.model.k8s import containers, get_path

#: At most this many objects are named in one message; the rest are counted.
NAMED = 3


def judged(ctx: Context, present: bool) -> bool:
    """A reference to a kind is judged when objects of that kind were checked, or the set is complete."""
    return present or ctx.complete


def missing_severity(ctx: Context) -> str | None:
    """A referenced object that is not among the checked ones: the policy's severity, or error when
    .kgen.yaml says the checked objects are the whole set (then nothing else will provide it)."""
    return "error" if ctx.complete else None


def names(entries: Iterable[ObjectEntry]) -> str:
    """``Deployment/web, Pod/debug and 2 more``: objects sorted by kind and name."""
    found = sorted({f"{entry.kind}/{entry.ref.name}" for entry in entries})
    shown = ", ".join(found[:NAMED])
    return shown + (f" and {len(found) - NAMED} more" if len(found) > NAMED else "")


def label_map(labels: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted((str(k), str(v)) for k, v in labels.items()))


def describe_selector(selector: Any) -> str:
    """A LabelSelector as kubectl writes one: ``app=web,tier in (a,b),!canary``."""
    if not isinstance(selector, Mapping):
        return "<none>"
    parts: list[str] = []
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping):
        parts.extend(f"{key}={value}" for key, value in sorted((str(k), str(v)) for k, v in match_labels.items()))
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        if not isinstance(expression, Mapping):
            continue
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values")
        listed = ",".join(map(str, values)) if isinstance(values, list) else ""
        parts.append(
            {"In": f"{key} in ({listed})", "NotIn": f"{key} notin ({listed})", "Exists": f"{key}",
             "DoesNotExist": f"!{key}"}.get(str(operator), f"{key} {operator} ({listed})")
        )
    return ",".join(parts) or "<everything>"


def protocol_of(port: Mapping[str, Any]) -> str:
    """A port's protocol with the API server's default, TCP."""
    protocol = port.get("protocol")
    return protocol if isinstance(protocol, str) else "TCP"


def list_of(data: Mapping[str, Any], path: tuple[str, ...]) -> list[Any]:
    value = get_path(data, path)
    return value if isinstance(value, list) else []


def serving_ports(entry: ObjectEntry) -> Iterator[Mapping[str, Any]]:
    """The ports its pods declare where the endpoints controller looks for a named targetPort: the
    containers', then the native sidecars' (init containers with restartPolicy Always)."""
    path = entry.pod_spec_path
    if path is None:
        return
    spec = get_path(entry.data, path)
    refs = list(containers(spec, path))
    for ref in sorted((r for r in refs if r.long_running), key=lambda r: r.section != "containers"):
        ports = ref.data.get("ports")
        for port in ports if isinstance(ports, list) else ():
            if isinstance(port, Mapping):
                yield port


def service_ports(service: ObjectEntry) -> list[Mapping[str, Any]]:
    return [port for port in list_of(service.data, ("spec", "ports")) if isinstance(port, Mapping)]


def describe_service_ports(service: ObjectEntry) -> str:
    parts = []
    for port in service_ports(service):
        name = port.get("name")
        parts.append(f"{port.get('port')}" + (f"/{name}" if isinstance(name, str) else ""))
    return ", ".join(parts) or "none"


def is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
