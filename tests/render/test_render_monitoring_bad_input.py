"""Bad monitoring input: one message with file:line:col and the field, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

WEB = "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n"
DATABASE = "name: orders-db\ntype: database\nimage: postgres:16.4\nport: 5432\nreplicas: 3\n"
BATCH = "name: nightly\ntype: batch\nimage: ghcr.io/acme/report:1.0\n"
NOT_A_PERCENT = "is not a percentage above 0 and at most 100: write it like 5% or 80%"
NOT_A_DURATION = (
    "is not a duration: write it like 30s, 5m or 1h30m (units y, w, d, h, m, s, ms, largest first, no spaces)"
)
QUANTILE = "must be a number above 0 and below 1, like 0.99 (the 99th percentile)"

# (id, profile text, expected stderr without the "kgen: " prefix)
CASES = [
    (
        "port-names-no-port",
        WEB + "monitoring:\n  port: metrics\n",
        "p.yaml:5:3: monitoring.port: 'metrics' names no port of the app; its ports are http "
        "(the main port is named http; extraPorts add the others)",
    ),
    (
        "port-names-no-port-among-extra-ports",
        WEB + "extraPorts:\n  - {name: admin, port: 9000}\nmonitoring:\n  port: metrics\n",
        "p.yaml:7:3: monitoring.port: 'metrics' names no port of the app; its ports are http, admin "
        "(the main port is named http; extraPorts add the others)",
    ),
    (
        "database-port-names-no-port",
        DATABASE + "monitoring:\n  port: http\n",
        "p.yaml:7:3: monitoring.port: 'http' names no port of the app; its ports are tcp "
        "(the main port is named tcp; extraPorts add the others)",
    ),
    (
        "port-is-a-number",
        WEB + "monitoring:\n  port: 9090\n",
        "p.yaml:5:3: monitoring.port: '9090' is not a port name: lowercase letters, digits and '-', "
        "at most 15 characters, with at least one letter",
    ),
    (
        "percent-above-100",
        WEB + "monitoring:\n  alerts:\n    errorRate: {above: 150%}\n",
        f"p.yaml:6:17: monitoring.alerts.errorRate.above: '150%' {NOT_A_PERCENT}",
    ),
    (
        "percent-zero",
        WEB + "monitoring:\n  alerts:\n    cpu: {above: 0%}\n",
        f"p.yaml:6:11: monitoring.alerts.cpu.above: '0%' {NOT_A_PERCENT}",
    ),
    (
        "percent-negative",
        WEB + "monitoring:\n  alerts:\n    memory: {above: -5%}\n",
        f"p.yaml:6:14: monitoring.alerts.memory.above: '-5%' {NOT_A_PERCENT}",
    ),
    (
        "percent-without-sign",
        WEB + "monitoring:\n  alerts:\n    errorRate: {above: 5}\n",
        f"p.yaml:6:17: monitoring.alerts.errorRate.above: '5' {NOT_A_PERCENT}",
    ),
    (
        "interval-in-words",
        WEB + "monitoring:\n  interval: 5 minutes\n",
        f"p.yaml:5:3: monitoring.interval: '5 minutes' {NOT_A_DURATION}",
    ),
    (
        "for-in-words",
        WEB + "monitoring:\n  alerts:\n    errorRate: {for: 5 minutes}\n",
        f"p.yaml:6:17: monitoring.alerts.errorRate.for: '5 minutes' {NOT_A_DURATION}",
    ),
    (
        "interval-zero",
        WEB + "monitoring:\n  interval: 0s\n",
        "p.yaml:5:3: monitoring.interval: is 0s; Prometheus needs an interval above 0",
    ),
    (
        "restarts-window-zero",
        WEB + "monitoring:\n  alerts:\n    restarts: {within: 0}\n",
        "p.yaml:6:16: monitoring.alerts.restarts.within: is 0; the window must be above 0",
    ),
    (
        "latency-threshold-zero",
        WEB + "monitoring:\n  alerts:\n    latency: {above: 0ms}\n",
        "p.yaml:6:15: monitoring.alerts.latency.above: is 0ms; a latency threshold must be above 0",
    ),
    ("quantile-one", WEB + "monitoring:\n  alerts:\n    latency: {quantile: 1}\n",
     f"p.yaml:6:15: monitoring.alerts.latency.quantile: is 1; {QUANTILE}"),
    ("quantile-zero", WEB + "monitoring:\n  alerts:\n    latency: {quantile: 0}\n",
     f"p.yaml:6:15: monitoring.alerts.latency.quantile: is 0; {QUANTILE}"),
    ("quantile-above-one", WEB + "monitoring:\n  alerts:\n    latency: {quantile: 1.5}\n",
     f"p.yaml:6:15: monitoring.alerts.latency.quantile: is 1.5; {QUANTILE}"),
    (
        "histogram-with-bucket-suffix",
        WEB + "monitoring:\n  metrics: {duration: http_request_duration_seconds_bucket}\n",
        "p.yaml:5:13: monitoring.metrics.duration: is http_request_duration_seconds_bucket; "
        "name the histogram without its _bucket suffix (http_request_duration_seconds)",
    ),
    (
        "unknown-alert-field",
        WEB + "monitoring:\n  alerts:\n    cpu: {above: 80%, fro: 5m}\n",
        "p.yaml:6:23: monitoring.alerts.cpu.fro: unknown field; did you mean 'for'?",
    ),
    (
        "batch",
        BATCH + "monitoring:\n  path: /metrics\n",
        "p.yaml:4:1: monitoring: applies only to types web and database "
        "(a ServiceMonitor scrapes a Service; a batch app has none)",
    ),
]


@pytest.mark.parametrize("text,message", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_monitoring(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(text, encoding="utf-8")
    outcome = kgen("render", "p.yaml", "-o", "out")
    assert (outcome.code, outcome.stderr) == (2, f"kgen: {message}\n")
    assert outcome.stdout == ""
    assert not Path("out").exists(), "nothing may be written on bad input"


def test_a_bad_value_from_an_environment_overlay_names_the_overlay_line(
    kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = WEB + "monitoring: {}\nenvironments:\n  prod:\n    monitoring:\n      alerts:\n        cpu: {above: 101%}\n"
    Path("p.yaml").write_text(text, encoding="utf-8")
    outcome = kgen("render", "p.yaml", "--env", "prod", "-o", "out")
    assert (outcome.code, outcome.stderr) == (2, f"kgen: p.yaml:9:15: environments.prod.monitoring.alerts.cpu.above: '101%' {NOT_A_PERCENT}\n")
    assert not Path("out").exists()
