"""cpu-requests-missing (and its memory twin): requests as the API server settles them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc


def pod(resources: str) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
{resources}"""


def findings(tmp_path: Path, text: str, rule: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == rule]


@pytest.mark.parametrize("zero", ["0", '"0"', "0m", "0.0", "0k"])
def test_a_zero_request_is_no_request(tmp_path: Path, zero: str) -> None:
    text = pod(f"        requests:\n          cpu: {zero}\n          memory: 64Mi\n")
    shown = zero.strip('"')
    assert findings(tmp_path, text, "cpu-requests-missing") == [
        ("cpu-requests-missing", *loc(text, "cpu:"), "warning",
         f'container "app" requests CPU {shown}, which Kubernetes counts as no request: the scheduler '
         "reserves nothing for it"),
    ]


def test_a_limit_alone_becomes_the_request_and_that_is_only_info(tmp_path: Path) -> None:
    text = pod("        limits: {cpu: 500m, memory: 1Gi}\n")
    assert findings(tmp_path, text, "cpu-requests-missing") == [
        ("cpu-requests-missing", *loc(text, "resources:"), "info",
         'container "app" sets no CPU request; the API server sets it to the CPU limit (500m), so the '
         "scheduler reserves the whole limit for it"),
    ]
    assert findings(tmp_path, text, "memory-requests-missing") == [
        ("memory-requests-missing", *loc(text, "resources:"), "info",
         'container "app" sets no memory request; the API server sets it to the memory limit (1Gi), so the '
         "scheduler reserves the whole limit for it"),
    ]


def test_a_zero_limit_copied_into_a_missing_request_is_no_request(tmp_path: Path) -> None:
    text = pod("        requests: {memory: 64Mi}\n        limits: {cpu: 0}\n")
    assert findings(tmp_path, text, "cpu-requests-missing") == [
        ("cpu-requests-missing", *loc(text, "requests:"), "warning",
         'container "app" has no CPU request (resources.requests.cpu); the API server copies the limit 0 '
         "into it, and Kubernetes counts 0 as no request"),
    ]


def test_no_request_and_no_limit_is_a_warning_at_the_deepest_field(tmp_path: Path) -> None:
    text = pod("        requests: {memory: 64Mi}\n")
    assert findings(tmp_path, text, "cpu-requests-missing") == [
        ("cpu-requests-missing", *loc(text, "requests:"), "warning",
         'container "app" has no CPU request (resources.requests.cpu)'),
    ]


def test_small_positive_requests_count(tmp_path: Path) -> None:
    text = pod('        requests: {cpu: 1m, memory: "1"}\n')
    assert findings(tmp_path, text, "cpu-requests-missing") == []
    assert findings(tmp_path, text, "memory-requests-missing") == []


@pytest.mark.parametrize(("rule", "field"), [("cpu-limits-missing", "cpu"), ("memory-limits-missing", "memory")])
def test_a_zero_limit_is_no_limit(tmp_path: Path, rule: str, field: str) -> None:
    text = pod(f"        requests: {{cpu: 100m, memory: 64Mi}}\n        limits:\n          {field}: 0Mi\n")
    severity = "info" if field == "cpu" else "warning"
    label = "CPU" if field == "cpu" else "memory"
    assert findings(tmp_path, text, rule) == [
        (rule, *loc(text, f"{field}: 0Mi"), severity,
         f'container "app" has no {label} limit (resources.limits.{field} is unset or 0)'),
    ]
