"""yaml-invalid: un-rendered Helm templates and duplicate keys, at the place that is wrong."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of


def test_helm_template_is_reported_once(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: {{ include "app.fullname" . }}
    data:
      replicas: "{{ .Values.replicaCount }}"
      {{- if .Values.debug }}
      debug: "true"
      {{- end }}
    """
    result = check(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("yaml-invalid", *loc(text, "{{"))]
    assert result.findings[0].message.startswith("un-rendered Helm template syntax")


def test_duplicate_key_is_reported_at_the_second_key(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      mode: fast
      mode: safe
    """
    (finding,) = of(check(tmp_path, text), "yaml-invalid")
    assert (finding.line, finding.column) == loc(text, "mode: safe")
    assert finding.message == f"duplicate key 'mode' (first defined at line {loc(text, 'mode: fast')[0]})"
