"""liveness-equals-readiness: only when liveness fails no later than readiness."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of


def test_liveness_equal_to_readiness_only_when_it_fails_no_later(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: same
          image: nginx:1.27
          livenessProbe: {httpGet: {path: /health, port: 80}}
          readinessProbe: {httpGet: {port: 80, path: /health}}
        - name: later
          image: nginx:1.27
          livenessProbe: {httpGet: {path: /health, port: 80}, failureThreshold: 6}
          readinessProbe: {httpGet: {path: /health, port: 80}}
    """
    (finding,) = of(check(tmp_path, text), "liveness-equals-readiness")
    assert (finding.container, finding.line, finding.column) == ("same", *loc(text, "livenessProbe"))
    assert "same httpGet check and liveness fails after 30s, no later than readiness (30s)" in finding.message
