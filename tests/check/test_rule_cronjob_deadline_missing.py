"""cronjob-deadline-missing: the field's presence only; concurrencyPolicy is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "cronjob-deadline-missing"
MESSAGE = (
    "CronJob sets no spec.startingDeadlineSeconds; after a controller outage or a resume it starts the most recent "
    "missed run however late it is"
)


def cronjob(spec: str) -> str:
    return f"""
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"{spec}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: nightly
              image: ghcr.io/acme/nightly:1.0.0
"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize("spec", ["", "\n  concurrencyPolicy: Forbid", "\n  suspend: true"])
def test_no_deadline_is_info_at_spec(tmp_path: Path, spec: str) -> None:
    text = cronjob(spec)
    assert findings(tmp_path, text) == [(RULE, *loc(text, "spec:"), "info", MESSAGE)]


def test_a_deadline_passes_whatever_the_concurrency_policy(tmp_path: Path) -> None:
    assert findings(tmp_path, cronjob("\n  startingDeadlineSeconds: 120")) == []
    assert findings(tmp_path, cronjob("\n  startingDeadlineSeconds: 120\n  concurrencyPolicy: Allow")) == []
