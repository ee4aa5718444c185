"""probe-over-sensitive: the failure window is failureThreshold × max(periodSeconds, timeoutSeconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc, of, write

RULE = "probe-over-sensitive"


def pod(probes: str) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: nginx:1.27
{probes}"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


REDIS_HA = """      livenessProbe:
        exec: {command: [sh, -c, /health/redis_liveness.sh]}
        initialDelaySeconds: 30
        periodSeconds: 15
        timeoutSeconds: 15
        failureThreshold: 5
      startupProbe:
        exec: {command: [sh, -c, /health/redis_readiness.sh]}
        initialDelaySeconds: 5
        periodSeconds: 10
        timeoutSeconds: 15
        failureThreshold: 3
"""


def test_argo_cd_redis_ha_is_not_over_sensitive(tmp_path: Path) -> None:
    assert findings(tmp_path, pod(REDIS_HA)) == []


@pytest.mark.parametrize("timeout", [10, 11, 30])
def test_a_timeout_as_long_as_the_period_is_never_the_reason(tmp_path: Path, timeout: int) -> None:
    text = pod(
        "      startupProbe:\n        exec: {command: [true]}\n        failureThreshold: 30\n"
        f"      livenessProbe:\n        exec: {{command: [true]}}\n        timeoutSeconds: {timeout}\n"
    )
    assert findings(tmp_path, text) == []


def test_the_timeout_widens_the_window_when_it_is_longer_than_the_period(tmp_path: Path) -> None:
    text = pod(
        "      startupProbe:\n        exec: {command: [true]}\n        failureThreshold: 30\n"
        "      livenessProbe:\n        exec: {command: [true]}\n"
        "        periodSeconds: 1\n        timeoutSeconds: 4\n        failureThreshold: 2\n"
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "periodSeconds: 1"), "warning",
         'container "app": livenessProbe is over-sensitive: failureThreshold × max(periodSeconds, '
         "timeoutSeconds) is 2 × 4s = 8s, under 10s"),
    ]
    wider = text.replace("timeoutSeconds: 4", "timeoutSeconds: 5")  # 2 × 5 s = 10 s: enough
    assert findings(tmp_path, wider) == []


def test_defaults_fill_unset_timings_and_the_start_up_grace_counts_the_window(tmp_path: Path) -> None:
    text = pod("      livenessProbe:\n        exec: {command: [true]}\n        periodSeconds: 3\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "periodSeconds: 3"), "warning",
         'container "app": livenessProbe is over-sensitive: failureThreshold × periodSeconds is 3 × 3s = 9s, '
         "under 10s; with no startupProbe, a starting container gets only initialDelaySeconds + the failure "
         "window = 0s + 9s = 9s, under 30s"),
    ]


def test_failure_threshold_one_is_reported_at_it(tmp_path: Path) -> None:
    text = pod(
        "      startupProbe:\n        exec: {command: [true]}\n        periodSeconds: 20\n        failureThreshold: 1\n"
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "failureThreshold: 1"), "warning",
         'container "app": startupProbe is over-sensitive: failureThreshold is 1, so one failed probe '
         "restarts the container"),
    ]


def test_the_window_minimum_is_a_parameter(tmp_path: Path) -> None:
    (tmp_path / ".kgen.yaml").write_text(f"rules:\n  {RULE}:\n    params: {{minFailureWindowSeconds: 100}}\n")
    got = findings(tmp_path, pod(REDIS_HA), config_path=tmp_path / ".kgen.yaml")
    assert [(line, message.split(": ", 1)[1]) for _, line, _, _, message in got] == [
        (loc(pod(REDIS_HA), "periodSeconds: 15")[0],
         "livenessProbe is over-sensitive: failureThreshold × periodSeconds is 5 × 15s = 75s, under 100s"),
        (loc(pod(REDIS_HA), "periodSeconds: 10")[0],
         "startupProbe is over-sensitive: failureThreshold × max(periodSeconds, timeoutSeconds) is 3 × 15s = 45s, under 100s"),
    ]


PROBED = """
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports: [{{name: http, containerPort: 80}}]
      livenessProbe:
        httpGet: {{path: /healthz, port: http}}
{probe}
"""


@pytest.mark.parametrize(
    ("probe", "needle", "message"),
    [
        # all defaults: 3 x 10 s window, 0 + 30 s grace, 1 s timeout
        ("", None, None),
        # periodSeconds defaults to 10: a 10 s timeout widens nothing and narrows nothing (window 3 x 10 s)
        ("        timeoutSeconds: 10", None, None),
        # failureThreshold defaults to 3: 3 x 3 s
        (
            "        initialDelaySeconds: 30\n        periodSeconds: 3",
            "periodSeconds",
            "failureThreshold × periodSeconds is 3 × 3s = 9s, under 10s",
        ),
        # initialDelaySeconds defaults to 0 and is where the finding would point: its parent
        (
            "        failureThreshold: 2",
            "livenessProbe",
            "initialDelaySeconds + the failure window = 0s + 20s = 20s, under 30s",
        ),
    ],
    ids=["defaults-pass", "timeout-equal-to-default-period", "window", "startup-grace"],
)
def test_probe_timings_use_kubernetes_defaults(tmp_path: Path, probe: str, needle: str | None, message: str | None) -> None:
    text = PROBED.format(probe=probe)
    findings = of(check(tmp_path, text), "probe-over-sensitive")
    if needle is None:
        assert findings == []
        return
    (finding,) = findings
    assert (finding.line, finding.column) == loc(text, needle)
    assert finding.message.startswith('container "web": livenessProbe is over-sensitive: ')
    assert message is not None and message in finding.message


def test_probe_thresholds_are_parameters(tmp_path: Path) -> None:
    config = write(tmp_path, "rules:\n  probe-over-sensitive:\n    params: {minStartupGraceSeconds: 60}\n", ".kgen.yaml")
    text = PROBED.format(probe="")
    result = check(tmp_path, text, config_path=config)
    (finding,) = of(result, "probe-over-sensitive")
    assert "= 30s, under 60s" in finding.message
    assert (finding.line, finding.column) == loc(text, "livenessProbe")
