"""naked-pod: a Pod with no controlling owner; warning when it should keep running, info when it runs to completion."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check

RULE = "naked-pod"


def pod(metadata: str = "", spec: str = "") -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app{metadata}
spec:{spec}
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text, **options).findings if f.rule == RULE]


LONG = (
    "Pod app has no controller: when its node fails, is drained or evicts it, nothing recreates it, "
    "and it cannot be scaled or rolled out"
)


@pytest.mark.parametrize("spec", ["", "\n  restartPolicy: Always"])
def test_a_long_running_pod_is_a_warning_at_its_kind(tmp_path: Path, spec: str) -> None:
    assert findings(tmp_path, pod(spec=spec)) == [(RULE, 2, 1, "warning", LONG)]


@pytest.mark.parametrize("policy", ["Never", "OnFailure"])
def test_a_pod_that_runs_to_completion_is_info(tmp_path: Path, policy: str) -> None:
    assert findings(tmp_path, pod(spec=f"\n  restartPolicy: {policy}")) == [
        (RULE, 2, 1, "info",
         f"Pod app has no controller; it runs to completion (restartPolicy {policy}), but if its node fails or "
         "drains it is not run again (a Job would retry it)"),
    ]


def test_only_a_controlling_owner_counts(tmp_path: Path) -> None:
    owner = (
        "\n  ownerReferences:\n    - {apiVersion: apps/v1, kind: ReplicaSet, name: app-1, uid: u1, controller: %s}"
    )
    assert findings(tmp_path, pod(metadata=owner % "true")) == []
    assert findings(tmp_path, pod(metadata=owner % "false")) == [(RULE, 2, 1, "warning", LONG)]


def test_a_configured_severity_applies_to_both_cases(tmp_path: Path) -> None:
    config = tmp_path / ".kgen.yaml"
    config.write_text(f"rules:\n  {RULE}: error\n")
    got = findings(tmp_path, pod(spec="\n  restartPolicy: Never"), config_path=config)
    assert [severity for *_, severity, _ in got] == ["error"]


def test_controllers_and_their_templates_are_not_pods(tmp_path: Path) -> None:
    text = """
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/acme/migrate:1.0.0
"""
    assert findings(tmp_path, text) == []
