"""schema-invalid advises quoting only where text is wanted and the value was written plain."""

from __future__ import annotations

from pathlib import Path

from kgen.check.engine import CheckOptions, run_check

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations: {window: 03:15, b: y, c: 1.10, d: 010, e: "1.10", f: 1e3}
data:
  start: 12:30
  on: yes
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  paused: y
  replicas: yes
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27.1"}]
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData:
  password: 8675309123
  pin: 0123
"""


def schema_findings(tmp_path: Path) -> list[tuple[int, int, str]]:
    path = tmp_path / "m.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    return [(f.line, f.column, f.message) for f in result.findings if f.rule == "schema-invalid"]


def test_quoting_advice_names_what_kubernetes_reads(tmp_path: Path) -> None:
    reads = "by kubectl and the API server (YAML as go-yaml v2 resolves it), not as text; quote it"
    assert schema_findings(tmp_path) == [
        (5, 32, f'metadata.annotations.b: y is read as a boolean (true) {reads}: "y"'),
        (5, 38, f'metadata.annotations.c: 1.10 is read as a number (1.1) {reads}: "1.10"'),
        (5, 47, f'metadata.annotations.d: 010 is read as an integer (8) {reads}: "010"'),
        (5, 66, f'metadata.annotations.f: 1e3 is read as a number (1000) {reads}: "1e3"'),
        (8, 3, f"data.true (the key on is read as 'true'): yes is read as a boolean (true) {reads}: \"yes\""),
        # a boolean field given a boolean is fine (`paused: y`); an integer field given one is not
        # (and quoting would be wrong advice there)
        (15, 3, "spec.replicas: true is not of type integer"),
        # a Secret's values are never repeated
        (26, 3, "stringData.password: the value is written unquoted and read as an integer, not as text; quote it"),
        (27, 3, "stringData.pin: the value is written unquoted and read as an integer, not as text; quote it"),
    ]


def test_secret_values_are_not_printed(tmp_path: Path) -> None:
    text = " ".join(message for _, _, message in schema_findings(tmp_path))
    assert "8675309123" not in text and "0123" not in text and "83" not in text
