"""servicemonitor-selects-nothing: a ServiceMonitor or PodMonitor that gives Prometheus no target.

As prometheus-operator builds the scrape configuration: the selector is a
LabelSelector over the Services' (PodMonitor: the pods') own labels, an
absent or empty one selecting all; namespaceSelector any: true is every
namespace, matchNames those namespaces, neither the monitor's own. An
endpoint's port is a Service port name (PodMonitor: a container port name),
kept only where a selected object has it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable, Iterator

from kgen.check.api import Context, ObjectEntry, Target, Violation
from kgen.check.index import selector_matches
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import containers, get_path

GROUP = "monitoring.coreos.com"
#: The API server's own Service, which every cluster has in namespace default (labels and port as the
#: apiserver writes them; the targetPort depends on the cluster, so it is left unknown).
APISERVER_LABELS = {"component": "apiserver", "provider": "kubernetes"}
APISERVER_PORTS: list[Mapping[str, Any]] = [{"name": "https", "port": 443, "targetPort": None}]
#: Services the cluster makes itself (kube-dns, the kubelet Service prometheus-operator keeps): a
#: monitor looking only there is judged when one of them was checked, or the set is complete.
CLUSTER_NAMESPACES = frozenset({"kube-system"})


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    if entry.group != GROUP:
        return
    spec = entry.data.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    selector = spec.get("selector")
    selector = {} if selector is None else selector  # the operator reads an absent selector as the empty one
    if not _well_formed(selector):
        return  # the CRD's schema refuses it (schema-invalid where the CRD is checked)
    namespaces = _namespaces(spec, entry.namespace)
    if entry.kind == "ServiceMonitor":
        if not (ctx.complete or ctx.index.has_kind("", "Service")):
            return
        key = _key(entry, selector, namespaces, spec.get("endpoints"))
        yield from ctx.index.memo(key, lambda: tuple(_service_monitor(entry, spec, selector, namespaces, ctx)))
    elif entry.kind == "PodMonitor":
        if not (ctx.complete or ctx.index.has_pods()):
            return
        key = _key(entry, selector, namespaces, spec.get("podMetricsEndpoints"))
        yield from ctx.index.memo(key, lambda: tuple(_pod_monitor(entry, spec, selector, namespaces, ctx)))


def _service_monitor(
    entry: ObjectEntry, spec: Mapping[str, Any], selector: Mapping[str, Any], namespaces: frozenset[str] | None,
    ctx: Context,
) -> Iterator[Violation]:
    services = [(s.ref.name, _list(get_path(s.data, ("spec", "ports")))) for s in ctx.index.services_selected(selector, namespaces)]
    if _selects_apiserver(selector, namespaces, ctx):
        services.append(("kubernetes", APISERVER_PORTS))
    if not services:
        if ctx.complete or not namespaces or not namespaces <= CLUSTER_NAMESPACES or _any_service_in(namespaces, ctx):
            yield _nothing(entry, "Service", "Services' labels", selector, _where(namespaces))
        return
    yield from _service_ports(spec, services)


def _pod_monitor(
    entry: ObjectEntry, spec: Mapping[str, Any], selector: Mapping[str, Any], namespaces: frozenset[str] | None,
    ctx: Context,
) -> Iterator[Violation]:
    pods = [
        found
        for namespace in (sorted(namespaces) if namespaces is not None else ctx.index.pod_namespaces())
        for found in ctx.index.pods_selected(namespace, selector, empty_matches_all=True)
    ]
    if not pods:
        yield _nothing(entry, "pod", "pod templates' labels", selector, _where(namespaces))
        return
    yield from _pod_ports(spec, pods)


def _key(entry: ObjectEntry, selector: Any, namespaces: frozenset[str] | None, endpoints: Any) -> tuple[Any, ...]:
    """Monitors of one kind with one selector, namespaces and endpoints (a chart's copies) share their
    findings; where a finding points depends on whether spec.selector is written."""
    written = "selector" in _spec(entry)
    return ("servicemonitor-selects-nothing", entry.kind, entry.namespace, selector, namespaces, endpoints, written)


def _selects_apiserver(selector: Mapping[str, Any], namespaces: frozenset[str] | None, ctx: Context) -> bool:
    """The built-in Service kubernetes of namespace default, unless a checked one stands for it."""
    in_default = namespaces is None or "default" in namespaces
    if not in_default or ctx.index.service("default", "kubernetes") is not None:
        return False
    return selector_matches(selector, APISERVER_LABELS, empty_matches_all=True)


def _any_service_in(namespaces: frozenset[str], ctx: Context) -> bool:
    return any(True for _ in ctx.index.services_selected({}, namespaces))


def _well_formed(selector: Any) -> bool:
    """A LabelSelector of the API's shape: a string map and expressions with a string key and operator."""
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels")
    if match_labels is not None and not isinstance(match_labels, Mapping):
        return False
    expressions = selector.get("matchExpressions")
    if expressions is None:
        return True
    return isinstance(expressions, list) and all(
        isinstance(e, Mapping) and isinstance(e.get("key"), str) and isinstance(e.get("operator"), str)
        and isinstance(e.get("values"), (list, type(None)))
        for e in expressions
    )


def _namespaces(spec: Mapping[str, Any], own: str) -> frozenset[str] | None:
    """The namespaces a monitor looks in; None for every namespace."""
    chosen = spec.get("namespaceSelector")
    chosen = chosen if isinstance(chosen, Mapping) else {}
    if chosen.get("any") is True:
        return None
    names = chosen.get("matchNames")
    if isinstance(names, list) and names:
        return frozenset(str(name) for name in names)
    return frozenset({own})


def _where(namespaces: frozenset[str] | None) -> str:
    if namespaces is None:
        return "in any namespace"
    listed = ", ".join(sorted(namespaces))
    return f"in namespace {listed}" if len(namespaces) == 1 else f"in namespaces {listed}"


def _nothing(entry: ObjectEntry, what: str, whose: str, selector: Mapping[str, Any], where: str) -> Violation:
    path: FieldPath = ("spec", "selector") if "selector" in _spec(entry) else ("spec",)
    shown = _show(selector)
    if shown:
        why = f"no checked {what} {where} has labels matching {shown} (the selector matches the {whose})"
    else:
        why = f"there is no checked {what} {where} (its empty selector selects every one)"
    return Violation(f"{entry.kind} selects no {what}: {why}; Prometheus gets no target from it", path)


def _spec(entry: ObjectEntry) -> Mapping[str, Any]:
    spec = entry.data.get("spec")
    return spec if isinstance(spec, Mapping) else {}


def _show(selector: Mapping[str, Any]) -> str:
    terms: list[str] = []
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping):
        terms.extend(f"{key}={value}" for key, value in sorted(match_labels.items(), key=lambda kv: str(kv[0])))
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        if isinstance(expression, Mapping):
            values = expression.get("values")
            shown = f" ({', '.join(map(str, values))})" if isinstance(values, list) and values else ""
            terms.append(f"{expression.get('key')} {expression.get('operator')}{shown}")
    return ", ".join(terms)


def _service_ports(spec: Mapping[str, Any], services: list[tuple[str, list[Mapping[str, Any]]]]) -> Iterator[Violation]:
    """Each endpoint's port (a Service port name) and targetPort (the port behind it) that no selected
    Service (name, ports) has: the operator keeps only the endpoints of a port of that name."""
    ports = [port for _, service_ports in services for port in service_ports]
    names = {str(port["name"]) for port in ports if isinstance(port.get("name"), str) and port["name"]}
    targets = [port.get("targetPort", port.get("port")) for port in ports]
    shown = ("Service " if len(services) == 1 else "Services ") + _names(name for name, _ in services)
    for index, endpoint in enumerate(_list(spec.get("endpoints"))):
        port = endpoint.get("port")
        if isinstance(port, str) and port and port not in names:
            has = f"its port names: {', '.join(sorted(names))}" if names else "its ports have no names"
            yield Violation(
                f"endpoint port {port} is no port name of the selected {shown} ({has}); "
                "the endpoint gives Prometheus no target",
                ("spec", "endpoints", index, "port"),
            )
        target_port = endpoint.get("targetPort")
        if _unmatched_target(target_port, targets):
            yield Violation(
                f"endpoint targetPort {target_port} is no targetPort of the selected {shown}; "
                "the endpoint gives Prometheus no target",
                ("spec", "endpoints", index, "targetPort"),
            )


def _unmatched_target(wanted: Any, targets: list[Any]) -> bool:
    """A numeric targetPort is judged only when every Service port's targetPort is a number (a named
    one resolves to a container port that may be it), a named one only when all are names."""
    if isinstance(wanted, bool) or not isinstance(wanted, (int, str)) or wanted == "":
        return False
    if any(t is None for t in targets):
        return False  # a port behind the Service kgen cannot know
    numbers = [t for t in targets if isinstance(t, int) and not isinstance(t, bool)]
    names = [t for t in targets if isinstance(t, str)]
    if isinstance(wanted, int):
        return not names and wanted not in numbers
    return not numbers and wanted not in names


def _pod_ports(spec: Mapping[str, Any], pods: list[ObjectEntry]) -> Iterator[Violation]:
    """Each podMetricsEndpoints port (a container port name), portNumber and targetPort that no
    container of the selected pods declares."""
    declared = [port for pod in pods for port in _container_ports(pod)]
    names = {str(port["name"]) for port in declared if isinstance(port.get("name"), str) and port["name"]}
    numbers = {port.get("containerPort") for port in declared}
    shown = _names(f"{pod.kind} {pod.ref.name}" for pod in pods)
    for index, endpoint in enumerate(_list(spec.get("podMetricsEndpoints"))):
        for field_name in ("port", "portNumber", "targetPort"):
            value = endpoint.get(field_name)
            if isinstance(value, bool) or value is None or value == "":
                continue
            if isinstance(value, str) and field_name != "portNumber" and value not in names:
                has = f"their port names: {', '.join(sorted(names))}" if names else "they name no port"
                problem = f"{field_name} {value} is no container port name of the pods of {shown} ({has})"
            elif isinstance(value, int) and field_name != "port" and value not in numbers:
                problem = f"{field_name} {value} is no containerPort of the pods of {shown}"
            else:
                continue
            yield Violation(
                f"podMetricsEndpoints {problem}; the endpoint gives Prometheus no target",
                ("spec", "podMetricsEndpoints", index, field_name),
            )


def _container_ports(pod: ObjectEntry) -> Iterator[Mapping[str, Any]]:
    path = pod.pod_spec_path
    pod_spec = get_path(pod.data, path) if path is not None else None
    if path is None or not isinstance(pod_spec, Mapping):
        return
    for container in containers(pod_spec, path):  # Prometheus' pod discovery lists init containers too
        yield from _list(container.data.get("ports"))


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _names(names: Iterable[str]) -> str:
    listed = sorted(dict.fromkeys(names))
    return ", ".join(listed[:5]) + (f" and {len(listed) - 5} more" if len(listed) > 5 else "")

