"""monitoring: the ServiceMonitor and the PrometheusRule, object by object; each alert's PromQL parsed.

Expressions are read with promql-parser (the Rust PromQL parser of GreptimeDB, built on
Prometheus' grammar) and compared as a tree: metric names and matchers, aggregations and
their labels, functions, ranges, the comparison and its threshold. A misspelt function,
an unbalanced parenthesis, a range on an instant selector or a threshold not as written
each changes the tree or fails the parse.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import promql_parser
import pytest

from kgen.render.api import render_text

ROOT = Path(__file__).resolve().parents[2]
PAYMENTS = (ROOT / "fixtures" / "profiles" / "payments-api.yaml").read_text(encoding="utf-8")

WEB = "name: shop-web\ntype: web\nimage: ghcr.io/acme/shop-web:1.4.2\n"
DATABASE = "name: orders-db\ntype: database\nimage: postgres:16.4\nport: 5432\nreplicas: 3\n"

SAFE = "[bcdfghjklmnpqrstvwxz2456789]"
PAYMENTS_PODS = f"payments-api-{SAFE}{{1,10}}-{SAFE}{{5}}"
PAYMENTS_LABELS = {
    "app.kubernetes.io/name": "payments-api",
    "app.kubernetes.io/instance": "payments-api",
    "app.kubernetes.io/version": "5.2.1",
    "app.kubernetes.io/component": "web",
    "app.kubernetes.io/managed-by": "kgen",
}


# -- reading PromQL -----------------------------------------------------------------


def tree(node: Any) -> Any:
    """A parsed PromQL expression as nested tuples (parentheses dropped)."""
    if isinstance(node, promql_parser.ParenExpr):
        return tree(node.expr)
    if isinstance(node, promql_parser.BinaryExpr):
        return ("binary", str(node.op), tree(node.lhs), tree(node.rhs))
    if isinstance(node, promql_parser.AggregateExpr):
        modifier = node.modifier
        labels = (str(modifier.type).rsplit(".", 1)[-1].lower(), tuple(modifier.labels)) if modifier else None
        return ("aggregate", str(node.op), labels, tree(node.expr))
    if isinstance(node, promql_parser.Call):
        return ("call", node.func.name, *(tree(arg) for arg in node.args))
    if isinstance(node, promql_parser.MatrixSelector):
        return ("range", tree(node.vector_selector), node.range)
    if isinstance(node, promql_parser.VectorSelector):
        matchers = tuple((m.name, str(m.op).rsplit(".", 1)[-1], m.value) for m in node.matchers.matchers)
        return ("metric", node.name, matchers)
    if isinstance(node, promql_parser.NumberLiteral):
        return ("number", node.val)
    raise AssertionError(f"unexpected PromQL node {type(node).__name__}: {node}")


def parsed(expr: str) -> Any:
    return tree(promql_parser.parse(expr))


def metric(name: str, *matchers: tuple[str, str, str]) -> tuple[Any, ...]:
    return ("metric", name, matchers)


def per_container(expr: Any) -> tuple[Any, ...]:
    return ("aggregate", "sum", ("by", ("namespace", "pod", "container")), expr)


def max_per_container(expr: Any) -> tuple[Any, ...]:
    return ("aggregate", "max", ("by", ("namespace", "pod", "container")), expr)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


# -- the fixture: every field set -----------------------------------------------------


def objects(text: str, env: str | None = None) -> dict[str, dict[str, Any]]:
    result = render_text(text, "p.yaml", env=env)
    return {o.filename: dict(o.data) for o in result.objects}


def test_service_monitor_selects_the_apps_service_on_the_metrics_port() -> None:
    rendered = objects(PAYMENTS)
    assert rendered["servicemonitor-payments-api.yaml"] == {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "payments-api", "namespace": "payments", "labels": PAYMENTS_LABELS},
        "spec": {
            "selector": {
                "matchLabels": {"app.kubernetes.io/name": "payments-api", "app.kubernetes.io/instance": "payments-api"}
            },
            "namespaceSelector": {"matchNames": ["payments"]},
            "endpoints": [{"port": "metrics", "path": "/internal/metrics", "interval": "15s"}],
        },
    }
    service = rendered["service-payments-api.yaml"]
    # the selector is a subset of the Service's labels, and the port is one of the Service's port names
    assert PAYMENTS_LABELS.items() <= service["metadata"]["labels"].items()
    assert "metrics" in [port["name"] for port in service["spec"]["ports"]]


def _rules(text: str, env: str | None = None, name: str = "payments-api") -> list[dict[str, Any]]:
    rule = objects(text, env)[f"prometheusrule-{name}.yaml"]
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["kind"] == "PrometheusRule"
    [group] = rule["spec"]["groups"]
    assert group["name"] == name
    rules: list[dict[str, Any]] = group["rules"]
    return rules


def test_prometheus_rule_has_one_alert_per_entry_with_the_written_durations_and_labels() -> None:
    rules = _rules(PAYMENTS)
    assert [(r["alert"], r.get("for"), r["labels"]) for r in rules] == [
        (name, duration, {"severity": severity, "service": "payments-api", "env": "default"})
        for name, duration, severity in [
            ("ErrorRateHigh", "2m", "critical"),
            ("LatencyHigh", "10m", "critical"),
            ("CPUUsageHigh", "15m", "warning"),
            ("MemoryUsageHigh", "1h30m", "warning"),
            ("ContainerRestarting", None, "warning"),
            ("AutoscalerAtMax", "30m", "warning"),
        ]
    ]
    assert [list(r) for r in rules][0] == ["alert", "expr", "for", "labels", "annotations"]
    assert [r["annotations"] for r in rules] == [
        {
            "summary": "payments-api: more than 0.5% of requests fail",
            "description": "More than 0.5% of the requests to payments-api were answered with a 5xx status for 2m "
            "(payments_http_requests_total, code 5xx; now {{ $value | humanizePercentage }}).",
        },
        {
            "summary": "payments-api: 0.95 quantile of request durations above 1s250ms",
            "description": "The 0.95 quantile of the request durations of payments-api has been above 1s250ms for 10m "
            "(payments_http_request_duration_seconds; now {{ $value | humanizeDuration }}).",
        },
        {
            "summary": "payments-api: CPU above 90% of its limit",
            "description": "Container payments-api in pod {{ $labels.pod }} has used more than 90% of its CPU limit "
            "for 15m (now {{ $value | humanizePercentage }}).",
        },
        {
            "summary": "payments-api: memory above 12.5% of its limit",
            "description": "Container payments-api in pod {{ $labels.pod }} has used more than 12.5% of its memory "
            "limit for 1h30m; at the limit it is killed (now {{ $value | humanizePercentage }}).",
        },
        {
            "summary": "payments-api: more than 0 restarts within 1h",
            "description": "Container payments-api in pod {{ $labels.pod }} restarted more than 0 times within 1h "
            "(now {{ $value | humanize }}).",
        },
        {
            "summary": "payments-api: autoscaler at its maximum",
            "description": "The HorizontalPodAutoscaler payments-api has run at its maximum of 10 replicas for 30m "
            "and cannot scale further.",
        },
    ]


APP = (("namespace", "Equal", "payments"), ("pod", "Re", PAYMENTS_PODS))
CONTAINER = APP + (("container", "Equal", "payments-api"),)


def test_error_rate_is_the_5xx_share_of_the_request_rate() -> None:
    expr = _rules(PAYMENTS)[0]["expr"]
    by_namespace = ("by", ("namespace",))
    window = minutes(5)  # at least 5m; four 15s scrapes are less
    failed = metric("payments_http_requests_total", *APP, ("code", "Re", "5.."))
    every = metric("payments_http_requests_total", *APP)
    assert parsed(expr) == (
        "binary",
        ">",
        (
            "binary",
            "/",
            ("aggregate", "sum", by_namespace, ("call", "rate", ("range", failed, window))),
            ("aggregate", "sum", by_namespace, ("call", "rate", ("range", every, window))),
        ),
        ("number", 0.005),
    )
    assert expr.endswith(" > 0.005")  # 0.5% as written, exactly


def test_latency_is_a_quantile_of_the_bucket_rates_summed_by_le() -> None:
    expr = _rules(PAYMENTS)[1]["expr"]
    buckets = metric("payments_http_request_duration_seconds_bucket", *APP)
    assert parsed(expr) == (
        "binary",
        ">",
        (
            "call",
            "histogram_quantile",
            ("number", 0.95),
            ("aggregate", "sum", ("by", ("namespace", "le")), ("call", "rate", ("range", buckets, minutes(5)))),
        ),
        ("number", 1.25),  # 1s250ms in seconds
    )


def test_cpu_is_the_usage_rate_against_the_limit() -> None:
    expr = _rules(PAYMENTS)[2]["expr"]
    usage = metric("container_cpu_usage_seconds_total", *CONTAINER)
    limits = metric("kube_pod_container_resource_limits", *CONTAINER, ("resource", "Equal", "cpu"))
    assert parsed(expr) == (
        "binary",
        ">",
        ("binary", "/", per_container(("call", "rate", ("range", usage, minutes(5)))), max_per_container(limits)),
        ("number", 0.9),
    )


def test_cpu_is_against_the_request_when_there_is_no_limit() -> None:
    text = WEB + "namespace: shop\nresources:\n  limits: {cpu: null}\nmonitoring: {}\n"
    [cpu] = [r for r in _rules(text, name="shop-web") if r["alert"] == "CPUUsageHigh"]
    requests = parsed(cpu["expr"])[2][3]
    assert requests[0:3] == ("aggregate", "max", ("by", ("namespace", "pod", "container")))
    assert requests[3][1] == "kube_pod_container_resource_requests"
    assert requests[3][2][-1] == ("resource", "Equal", "cpu")
    assert cpu["annotations"]["summary"] == "shop-web: CPU above 80% of its request"
    assert "of its CPU request for 5m" in cpu["annotations"]["description"]


def test_memory_is_the_working_set_against_the_memory_limit() -> None:
    expr = _rules(PAYMENTS)[3]["expr"]
    used = metric("container_memory_working_set_bytes", *CONTAINER)
    limit = metric("kube_pod_container_resource_limits", *CONTAINER, ("resource", "Equal", "memory"))
    assert parsed(expr) == (
        "binary",
        ">",
        ("binary", "/", per_container(used), max_per_container(limit)),
        ("number", 0.125),
    )


def test_restarts_are_an_increase_over_the_written_window() -> None:
    expr = _rules(PAYMENTS)[4]["expr"]
    restarts = metric("kube_pod_container_status_restarts_total", *CONTAINER)
    assert parsed(expr) == (
        "binary",
        ">",
        max_per_container(("call", "increase", ("range", restarts, timedelta(hours=1)))),
        ("number", 0.0),
    )


def test_autoscaler_at_max_compares_current_with_max_replicas_of_the_apps_hpa() -> None:
    expr = _rules(PAYMENTS)[5]["expr"]
    hpa = (("namespace", "Equal", "payments"), ("horizontalpodautoscaler", "Equal", "payments-api"))
    by = ("by", ("namespace", "horizontalpodautoscaler"))
    assert parsed(expr) == (
        "binary",
        ">=",
        ("aggregate", "max", by, metric("kube_horizontalpodautoscaler_status_current_replicas", *hpa)),
        ("aggregate", "max", by, metric("kube_horizontalpodautoscaler_spec_max_replicas", *hpa)),
    )
    hpas = [o for o in objects(PAYMENTS).values() if o["kind"] == "HorizontalPodAutoscaler"]
    assert [h["metadata"]["name"] for h in hpas] == ["payments-api"]


def test_an_environment_overlay_changes_thresholds_and_the_env_label() -> None:
    rules = _rules(PAYMENTS, env="prod")
    assert [r["alert"] for r in rules] == [
        "ErrorRateHigh",
        "CPUUsageHigh",
        "MemoryUsageHigh",
        "ContainerRestarting",
        "AutoscalerAtMax",
    ]  # latency: false
    assert {r["labels"]["env"] for r in rules} == {"prod"}
    error_rate = parsed(rules[0]["expr"])
    assert error_rate[3] == ("number", 0.01)  # above: 1% from the overlay
    assert rules[0]["for"] == "2m"  # for: from the base profile (overlays merge key by key)
    # interval 1m30s: the rate window is four scrapes, 6m
    assert error_rate[2][2][3][2][2] == minutes(6)
    monitor = objects(PAYMENTS, env="prod")["servicemonitor-payments-api.yaml"]
    assert monitor["spec"]["endpoints"] == [{"port": "metrics", "path": "/internal/metrics", "interval": "1m30s"}]


# -- defaults and variants ------------------------------------------------------------


def test_defaults_are_the_issues_values_on_the_main_port() -> None:
    rendered = objects(WEB + "monitoring: {}\n")
    monitor = rendered["servicemonitor-shop-web.yaml"]
    assert monitor["spec"] == {
        "selector": {"matchLabels": {"app.kubernetes.io/name": "shop-web", "app.kubernetes.io/instance": "shop-web"}},
        "endpoints": [{"port": "http", "path": "/metrics", "interval": "30s"}],
    }  # no namespace in the profile: the monitor looks in its own, where the Service is
    rules = _rules(WEB + "monitoring: {}\n", name="shop-web")
    assert [(r["alert"], r.get("for"), parsed(r["expr"])[3] if r["alert"] != "AutoscalerAtMax" else None) for r in rules] == [
        ("ErrorRateHigh", "2m", ("number", 0.05)),
        ("LatencyHigh", "5m", ("number", 0.5)),
        ("CPUUsageHigh", "5m", ("number", 0.8)),
        ("MemoryUsageHigh", "3m", ("number", 0.8)),
        ("ContainerRestarting", None, ("number", 3.0)),
        ("AutoscalerAtMax", "15m", None),
    ]
    latency = parsed(rules[1]["expr"])
    assert latency[2][2] == ("number", 0.99)
    assert latency[2][3][3][2][1][1] == "http_request_duration_seconds_bucket"
    assert parsed(rules[0]["expr"])[2][2][3][2][1][1] == "http_requests_total"
    restarts = parsed(rules[4]["expr"])
    assert restarts[2][3][2][2] == minutes(15)
    # without a namespace, selectors name the pods and container only
    assert restarts[2][3][2][1][2] == (("pod", "Re", f"shop-web-{SAFE}{{1,10}}-{SAFE}{{5}}"), ("container", "Equal", "shop-web"))
    assert {r["labels"]["env"] for r in rules} == {"default"}


def test_alerts_false_renders_the_service_monitor_only() -> None:
    kinds = [o["kind"] for o in objects(WEB + "monitoring: {alerts: false}\n").values()]
    assert "ServiceMonitor" in kinds
    assert "PrometheusRule" not in kinds


def test_an_entry_set_to_false_is_left_out_and_the_others_keep_their_defaults() -> None:
    rules = _rules(WEB + "monitoring:\n  alerts:\n    cpu: false\n    restarts: {above: 5}\n", name="shop-web")
    assert [r["alert"] for r in rules] == [
        "ErrorRateHigh",
        "LatencyHigh",
        "MemoryUsageHigh",
        "ContainerRestarting",
        "AutoscalerAtMax",
    ]
    restarts = parsed(rules[3]["expr"])
    assert (restarts[3], restarts[2][3][2][2]) == (("number", 5.0), minutes(15))


def test_no_autoscaler_no_autoscaler_alert() -> None:
    rules = _rules(WEB + "autoscale: false\nreplicas: {min: 2}\nmonitoring: {}\n", name="shop-web")
    assert "AutoscalerAtMax" not in [r["alert"] for r in rules]
    assert len(rules) == 5


def test_without_monitoring_nothing_is_rendered() -> None:
    kinds = {o["kind"] for o in objects(WEB).values()}
    assert not kinds & {"ServiceMonitor", "PrometheusRule"}


def test_database_scrapes_the_main_service_only_and_has_no_http_alerts_by_default() -> None:
    text = DATABASE + "namespace: orders\nextraPorts:\n  - {name: metrics, port: 9187}\nmonitoring: {port: metrics}\n"
    rendered = objects(text)
    monitor = rendered["servicemonitor-orders-db.yaml"]
    assert monitor["spec"]["endpoints"] == [
        {
            "port": "metrics",
            "path": "/metrics",
            "interval": "30s",
            "relabelings": [
                {"action": "keep", "sourceLabels": ["__meta_kubernetes_service_name"], "regex": "orders-db"}
            ],
        }
    ]
    # both Services carry the selected labels; the relabeling keeps one of the two
    services = [o for o in rendered.values() if o["kind"] == "Service"]
    assert sorted(s["metadata"]["name"] for s in services) == ["orders-db", "orders-db-headless"]
    rules = _rules(text, name="orders-db")
    assert [r["alert"] for r in rules] == ["CPUUsageHigh", "MemoryUsageHigh", "ContainerRestarting"]
    pods = ("pod", "Re", "orders-db-[0-9]+")
    assert parsed(rules[2]["expr"])[2][3][2][1][2] == (
        ("namespace", "Equal", "orders"),
        pods,
        ("container", "Equal", "orders-db"),
    )


def test_database_gets_http_alerts_when_it_writes_them() -> None:
    text = DATABASE + "monitoring:\n  alerts:\n    errorRate: {above: 2%}\n"
    assert [r["alert"] for r in _rules(text, name="orders-db")] == [
        "ErrorRateHigh",
        "CPUUsageHigh",
        "MemoryUsageHigh",
        "ContainerRestarting",
    ]


def test_a_long_scrape_interval_widens_the_rate_window_to_four_scrapes() -> None:
    rules = _rules(WEB + "monitoring: {interval: 2m}\n", name="shop-web")
    assert parsed(rules[0]["expr"])[2][2][3][2][2] == minutes(8)
    assert parsed(rules[2]["expr"])[2][2][3][2][2] == minutes(5)  # cAdvisor: its own interval, not the app's


# -- whose pods ------------------------------------------------------------------------

_SAFE_CHARS = "bcdfghjklmnpqrstvwxz2456789"


def _deployment_pod(name: str, rng: random.Random) -> str:
    """A pod name as the ReplicaSet controller and the API server's name generator make it."""
    pod_hash = "".join(rng.choice(_SAFE_CHARS) for _ in range(rng.randint(1, 10)))
    base = f"{name}-{pod_hash}-"[:58]
    return base + "".join(rng.choice(_SAFE_CHARS) for _ in range(5))


def _pod_regex(text: str, name: str) -> re.Pattern[str]:
    rules = _rules(text, name=name)
    [matchers] = {parsed(r["expr"])[2][3][2][1][2] for r in rules if r["alert"] == "ContainerRestarting"}
    [pattern] = [value for label, op, value in matchers if label == "pod" and op == "Re"]
    return re.compile(pattern)


@pytest.mark.parametrize("name", ["shop-web", "a" * 46, "b" * 47, "c" * 51, "d" * 52])
def test_the_pod_pattern_matches_every_pod_of_the_deployment(name: str) -> None:
    pattern = _pod_regex(f"name: {name}\ntype: web\nimage: nginx:1.27\nmonitoring: {{}}\n", name)
    rng = random.Random(name)
    for _ in range(300):
        pod = _deployment_pod(name, rng)
        assert pattern.fullmatch(pod), pod


def test_the_pod_pattern_matches_no_pod_of_another_app_with_the_same_prefix() -> None:
    pattern = _pod_regex(WEB + "monitoring: {}\n", "shop-web")
    rng = random.Random(7)
    for other in ("shop-web-api", "shop-web-x", "shop-web-2", "shop-webhook"):
        for _ in range(100):
            assert not pattern.fullmatch(_deployment_pod(other, rng))
    for name in ("shop-web-0", "shop-web-api-0", "shop-web"):
        assert not pattern.fullmatch(name)


def test_the_statefulset_pattern_matches_ordinals_only() -> None:
    pattern = _pod_regex(DATABASE + "monitoring: {}\n", "orders-db")
    assert all(pattern.fullmatch(f"orders-db-{i}") for i in (0, 1, 2, 10, 123))
    assert not any(pattern.fullmatch(p) for p in ("orders-db-replica-0", "orders-db-x2b4c", "orders-db-", "orders-db"))
