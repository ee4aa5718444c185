"""``monitoring``: a ServiceMonitor for the app's Service and a PrometheusRule with its alerts.

Both are Prometheus Operator resources (monitoring.coreos.com/v1), validated
against the CRDs in schemas/crds/prometheus-operator/ before anything is written.

The alerts read three sources, each with the labels it really has:

- the app's own metrics, scraped through the ServiceMonitor: the operator
  labels every series with the target's ``namespace`` and ``pod``;
- cAdvisor (the kubelet's ``/metrics/cadvisor``): ``container_*`` series with
  ``namespace``, ``pod`` and ``container``;
- kube-state-metrics: ``kube_pod_container_*`` series with ``namespace``,
  ``pod`` and ``container``, and ``kube_horizontalpodautoscaler_*`` with
  ``namespace`` and ``horizontalpodautoscaler``.

Every selector names the app's namespace (when the profile sets one) and
matches exactly the app's pods by name (``pod_pattern``); cAdvisor and
kube-state-metrics selectors also name the app's container. Thresholds and
durations are the profile's, as written: ``for: 2m`` is the rule's ``for``,
``above: 5%`` is ``> 0.05``, ``above: 500ms`` is ``> 0.5`` (seconds).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from kgen.model.duration import seconds as duration_seconds
from kgen.render.pod import Obj, new_object, selector_labels
from kgen.render.profile import Alert, Monitoring, Profile

#: The characters of a pod-template-hash and of a generated name's suffix
#: (k8s.io/apimachinery/pkg/util/rand: alphanumerics without vowels and 0, 1, 3).
_SAFE = "[bcdfghjklmnpqrstvwxz2456789]"
#: A generated name's base is cut to 63 - 5 characters before its 5 random ones (apiserver names.SimpleNameGenerator).
_GENERATED_BASE = 58
#: The shortest rate window: four samples at the usual 30s kubelet and kube-state-metrics interval, and more.
RATE_WINDOW_SECONDS = 300

SEVERITY = {
    # what users see: page someone
    "errorRate": "critical",
    "latency": "critical",
    # saturation and churn: look at it soon, nothing is down yet
    "cpu": "warning",
    "memory": "warning",
    "restarts": "warning",
    "autoscalerAtMax": "warning",
}

ALERT_NAMES = {
    "errorRate": "ErrorRateHigh",
    "latency": "LatencyHigh",
    "cpu": "CPUUsageHigh",
    "memory": "MemoryUsageHigh",
    "restarts": "ContainerRestarting",
    "autoscalerAtMax": "AutoscalerAtMax",
}


def monitoring_objects(profile: Profile) -> list[Obj]:
    """The ServiceMonitor, and the PrometheusRule unless there are no alerts; nothing without ``monitoring``."""
    monitoring = profile.monitoring
    if monitoring is None:
        return []
    objects = [service_monitor(profile, monitoring)]
    rules = [rule for alert in monitoring.alerts for rule in _rules(profile, monitoring, alert)]
    if rules:
        spec: Obj = {"groups": [{"name": profile.name, "rules": rules}]}
        objects.append(new_object("monitoring.coreos.com/v1", "PrometheusRule", profile, profile.name, spec))
    return objects


def service_monitor(profile: Profile, monitoring: Monitoring) -> Obj:
    """Scrapes the Service named like the app: its selector is the Service's own labels (kgen's selector labels)."""
    endpoint: Obj = {"port": monitoring.port, "path": monitoring.path, "interval": monitoring.interval}
    if profile.type == "database":
        # The headless Service carries the same labels, so the selector picks both and each pod
        # would be scraped twice (two targets, two copies of every series): keep the main one.
        endpoint["relabelings"] = [
            {"action": "keep", "sourceLabels": ["__meta_kubernetes_service_name"], "regex": profile.name}
        ]
    spec: Obj = {"selector": {"matchLabels": selector_labels(profile)}}
    if profile.namespace:
        spec["namespaceSelector"] = {"matchNames": [profile.namespace]}
    spec["endpoints"] = [endpoint]
    return new_object("monitoring.coreos.com/v1", "ServiceMonitor", profile, profile.name, spec)


# -- the alerts ---------------------------------------------------------------------


def _rules(profile: Profile, monitoring: Monitoring, alert: Alert) -> list[Obj]:
    if alert.name == "autoscalerAtMax" and (profile.scaling is None or profile.scaling.autoscale is None):
        return []  # no HorizontalPodAutoscaler to watch
    expr, summary, description = _ALERTS[alert.name](profile, monitoring, alert)
    rule: Obj = {"alert": ALERT_NAMES[alert.name], "expr": expr}
    if alert.for_ is not None:
        rule["for"] = alert.for_
    rule["labels"] = {
        "severity": SEVERITY[alert.name],
        "service": profile.name,
        "env": monitoring.environment,
    }
    rule["annotations"] = {"summary": summary, "description": description}
    return [rule]


def _error_rate(profile: Profile, monitoring: Monitoring, alert: Alert) -> tuple[str, str, str]:
    window = _app_window(monitoring)
    metric = monitoring.requests_metric
    failed = _selector(_app_matchers(profile) + [("code", "=~", "5..")])
    every = _selector(_app_matchers(profile))
    expr = (
        f"sum by (namespace) (rate({metric}{failed}[{window}]))"
        f" / sum by (namespace) (rate({metric}{every}[{window}]))"
        f" > {_percent(alert.above)}"
    )
    return (
        expr,
        f"{profile.name}: more than {alert.above} of requests fail",
        f"More than {alert.above} of the requests to {profile.name} were answered with a 5xx status "
        f"for {alert.for_} ({metric}, code 5xx; now {{{{ $value | humanizePercentage }}}}).",
    )


def _latency(profile: Profile, monitoring: Monitoring, alert: Alert) -> tuple[str, str, str]:
    window = _app_window(monitoring)
    buckets = f"{monitoring.duration_metric}_bucket{_selector(_app_matchers(profile))}"
    expr = (
        f"histogram_quantile({alert.quantile}, sum by (namespace, le) (rate({buckets}[{window}])))"
        f" > {_seconds(alert.above)}"
    )
    return (
        expr,
        f"{profile.name}: {alert.quantile} quantile of request durations above {alert.above}",
        f"The {alert.quantile} quantile of the request durations of {profile.name} has been above {alert.above} "
        f"for {alert.for_} ({monitoring.duration_metric}; now {{{{ $value | humanizeDuration }}}}).",
    )


def _cpu(profile: Profile, monitoring: Monitoring, alert: Alert) -> tuple[str, str, str]:
    # Of the limit when there is one: the container is throttled there. Without one, of the
    # request (what the scheduler reserved); the share can then pass 100%.
    of = "limits" if profile.resources.cpu_limit is not None else "requests"
    matchers = _container_matchers(profile)
    used = f"sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{_selector(matchers)}[{_window(RATE_WINDOW_SECONDS)}]))"
    expr = f"{used} / {_resource(of, 'cpu', matchers)} > {_percent(alert.above)}"
    what = "limit" if of == "limits" else "request"
    return (
        expr,
        f"{profile.name}: CPU above {alert.above} of its {what}",
        f"Container {profile.name} in pod {{{{ $labels.pod }}}} has used more than {alert.above} of its CPU {what} "
        f"for {alert.for_} (now {{{{ $value | humanizePercentage }}}}).",
    )


def _memory(profile: Profile, monitoring: Monitoring, alert: Alert) -> tuple[str, str, str]:
    matchers = _container_matchers(profile)
    # the working set is what the kubelet compares with the limit before the OOM killer acts
    used = f"sum by (namespace, pod, container) (container_memory_working_set_bytes{_selector(matchers)})"
    expr = f"{used} / {_resource('limits', 'memory', matchers)} > {_percent(alert.above)}"
    return (
        expr,
        f"{profile.name}: memory above {alert.above} of its limit",
        f"Container {profile.name} in pod {{{{ $labels.pod }}}} has used more than {alert.above} of its memory limit "
        f"for {alert.for_}; at the limit it is killed (now {{{{ $value | humanizePercentage }}}}).",
    )


def _restarts(profile: Profile, monitoring: Monitoring, alert: Alert) -> tuple[str, str, str]:
    selector = _selector(_container_matchers(profile))
    # max, not sum: two kube-state-metrics replicas report the same series twice
    expr = (
        f"max by (namespace, pod, container) "
        f"(increase(kube_pod_container_status_restarts_total{selector}[{alert.within}])) > {alert.above}"
    )
    return (
        expr,
        f"{profile.name}: more than {alert.above} restarts within {alert.within}",
        f"Container {profile.name} in pod {{{{ $labels.pod }}}} restarted more than {alert.above} times "
        f"within {alert.within} (now {{{{ $value | humanize }}}}).",
    )


def _autoscaler_at_max(profile: Profile, monitoring: Monitoring, alert: Alert) -> tuple[str, str, str]:
    matchers = _namespace_matchers(profile) + [("horizontalpodautoscaler", "=", profile.name)]
    selector = _selector(matchers)
    by = "max by (namespace, horizontalpodautoscaler)"
    expr = (
        f"{by} (kube_horizontalpodautoscaler_status_current_replicas{selector})"
        f" >= {by} (kube_horizontalpodautoscaler_spec_max_replicas{selector})"
    )
    top = profile.scaling.max if profile.scaling is not None else 0
    return (
        expr,
        f"{profile.name}: autoscaler at its maximum",
        f"The HorizontalPodAutoscaler {profile.name} has run at its maximum of {top} replicas for {alert.for_} "
        "and cannot scale further.",
    )


_ALERTS = {
    "errorRate": _error_rate,
    "latency": _latency,
    "cpu": _cpu,
    "memory": _memory,
    "restarts": _restarts,
    "autoscalerAtMax": _autoscaler_at_max,
}


# -- selectors ----------------------------------------------------------------------

Matcher = tuple[str, str, str]


def pod_pattern(profile: Profile) -> str:
    """A regular expression (RE2, anchored as PromQL anchors it) for exactly the app's pod names.

    A StatefulSet's pods are ``<name>-<ordinal>``. A Deployment's are its
    ReplicaSet's name ``<name>-<pod-template-hash>`` (1 to 10 safe characters),
    ``-`` and 5 random safe characters, the base cut to 58 characters first
    (which, for names of 47 characters or more, can cut the hash and its dash).
    ``<name>-.*`` would also match the pods of an app called ``<name>-x``
    (``<name>-x-<hash>-<suffix>``): a dash and vowels never occur in the hash.
    kube_pod_labels could join on the app's labels instead, but kube-state-metrics
    exports no pod label unless --metric-labels-allowlist names it.
    """
    if profile.type == "database":
        return f"{profile.name}-[0-9]+"
    room = _GENERATED_BASE - len(profile.name) - 1  # characters of "<hash>-" that fit
    if room >= 11:
        middle = f"{_SAFE}{{1,10}}-"
    else:
        middle = f"(?:{_SAFE}{{1,{room - 1}}}-|{_SAFE}{{{room}}})"
    return f"{profile.name}-{middle}{_SAFE}{{5}}"


def _namespace_matchers(profile: Profile) -> list[Matcher]:
    return [("namespace", "=", profile.namespace)] if profile.namespace else []


def _app_matchers(profile: Profile) -> list[Matcher]:
    return _namespace_matchers(profile) + [("pod", "=~", pod_pattern(profile))]


def _container_matchers(profile: Profile) -> list[Matcher]:
    return _app_matchers(profile) + [("container", "=", profile.name)]


def _resource(of: str, resource: str, matchers: list[Matcher]) -> str:
    selector = _selector(matchers + [("resource", "=", resource)])
    return f"max by (namespace, pod, container) (kube_pod_container_resource_{of}{selector})"


def _selector(matchers: list[Matcher]) -> str:
    return "{" + ", ".join(f'{label}{op}"{_escape(value)}"' for label, op, value in matchers) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


# -- numbers and durations ----------------------------------------------------------


def _percent(text: str | None) -> str:
    """``5%`` -> ``0.05``, exactly."""
    return _decimal(Decimal(str(text).rstrip("%")) / 100)


def _seconds(text: str | None) -> str:
    """A duration as seconds: ``500ms`` -> ``0.5``, ``2m`` -> ``120``."""
    length = duration_seconds(str(text))
    return _decimal(Decimal(length.numerator) / Decimal(length.denominator))


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _app_window(monitoring: Monitoring) -> str:
    """The rate window over the app's metrics: at least four scrapes of ``interval``."""
    return _window(max(Fraction(RATE_WINDOW_SECONDS), 4 * duration_seconds(monitoring.interval)))


def _window(length: Fraction | int) -> str:
    """Seconds as a Prometheus duration, largest units first: 300 -> 5m, 5400 -> 1h30m."""
    millis = int(Fraction(length) * 1000)
    parts = []
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
