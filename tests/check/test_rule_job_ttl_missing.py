"""job-ttl-missing: standalone Jobs only; CronJob-owned Jobs and self-deleting hooks are cleaned up already."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "job-ttl-missing"
MESSAGE = "Job sets no spec.ttlSecondsAfterFinished; once it finishes, the Job and its pods stay until someone deletes them"


def job(metadata: str = "", spec: str = "") -> str:
    return f"""
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate{metadata}
spec:{spec}
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/acme/migrate:1.4.0
"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_a_job_without_ttl_is_reported_at_spec(tmp_path: Path) -> None:
    text = job()
    assert findings(tmp_path, text) == [(RULE, *loc(text, "spec:"), "warning", MESSAGE)]


def test_a_ttl_of_zero_deletes_it_at_once(tmp_path: Path) -> None:
    assert findings(tmp_path, job(spec="\n  ttlSecondsAfterFinished: 0")) == []


@pytest.mark.parametrize(
    ("annotation", "value", "fires"),
    [
        ("helm.sh/hook-delete-policy", "hook-succeeded", False),
        ("helm.sh/hook-delete-policy", "hook-failed, before-hook-creation", False),
        ("helm.sh/hook-delete-policy", "hook-failed", True),
        ("argocd.argoproj.io/hook-delete-policy", "BeforeHookCreation", False),
        ("argocd.argoproj.io/hook-delete-policy", "HookFailed", True),
        ("example.com/hook-delete-policy", "hook-succeeded", True),
    ],
)
def test_hooks_their_tool_deletes(tmp_path: Path, annotation: str, value: str, fires: bool) -> None:
    text = job(metadata=f"\n  annotations:\n    {annotation}: {value}")
    assert bool(findings(tmp_path, text)) == fires


def test_a_cronjob_and_the_jobs_it_owns_are_not_reported(tmp_path: Path) -> None:
    owned = job(metadata="\n  ownerReferences:\n    - {apiVersion: batch/v1, kind: CronJob, name: nightly, uid: u1}")
    assert findings(tmp_path, owned) == []
    cronjob = """
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  startingDeadlineSeconds: 300
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: nightly
              image: ghcr.io/acme/nightly:1.0.0
"""
    assert findings(tmp_path, cronjob) == []
