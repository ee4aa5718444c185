"""Odd but legal input works: the same manifest written with a BOM, CRLF line
endings, tabs in scalars, empty and comment-only documents, as JSON (one very
long line too) or inside nested Lists gives the same findings (at the same lines
where the lines are the same) and no diff against the plain version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.hardening.support import invoke

PLAIN = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    note: "tab\there"
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:latest
          args: ["--flag", "a\tb"]
          env:
            - name: MODE
              value: "on"
"""

OBJECT: dict[str, Any] = yaml.safe_load(PLAIN)


def as_list(obj: Any, levels: int) -> str:
    for _ in range(levels):
        obj = {"apiVersion": "v1", "kind": "List", "items": [obj]}
    return yaml.safe_dump(obj, sort_keys=False)


VARIANTS = {
    "bom-crlf": ("\ufeff" + PLAIN.replace("\n", "\r\n")).encode("utf-8"),
    "empty-and-comment-documents": ("---\n---\n# only a comment\n---\n" + PLAIN + "---\n# trailing\n...\n").encode(),
    "tabs-in-plain-scalars": PLAIN.replace('note: "tab\\there"', "note: tab\there").encode(),
    "json": json.dumps(OBJECT, indent=2).encode(),
    "json-one-long-line": json.dumps(
        {**OBJECT, "metadata": {**OBJECT["metadata"], "annotations": {"note": "tab\there", "long": "x" * 200_000}}}
    ).encode(),
    "nested-lists": as_list(OBJECT, 3).encode(),
}
SAME_LINES = {"bom-crlf", "tabs-in-plain-scalars"}


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("plain.yaml").write_text(PLAIN, encoding="utf-8")
    return tmp_path


def check(name: str) -> list[dict[str, Any]]:
    outcome = invoke("check", name, "--no-config", "-f", "json", "-j", "1", cpu=5, mib=128)
    assert outcome.code == 1, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["summary"]["objects"] == 1
    findings: list[dict[str, Any]] = result["findings"]
    return findings


def essence(findings: list[dict[str, Any]], lines: bool) -> list[tuple[Any, ...]]:
    return sorted(
        (f["rule"], f["message"], f.get("path"), *((f["line"], f["column"]) if lines else ())) for f in findings
    )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_odd_but_legal_variants_read_as_the_plain_manifest(work: Path, variant: str) -> None:
    suffix = ".json" if variant.startswith("json") else ".yaml"
    Path(f"v{suffix}").write_bytes(VARIANTS[variant])
    plain = check("plain.yaml")
    odd = check(f"v{suffix}")
    assert {f["rule"] for f in plain} >= {"image-tag-mutable", "cpu-requests-missing"}
    assert essence(odd, variant in SAME_LINES) == essence(plain, variant in SAME_LINES)
    if variant == "json-one-long-line":
        assert all(f["line"] == 1 for f in odd)
    diff = invoke("diff", "plain.yaml", f"v{suffix}", "--ignore", "metadata.annotations.long", cpu=5, mib=128)
    assert (diff.code, diff.stdout) == (0, "No changes (1 object compared).\n") or (
        diff.code == 0 and diff.stdout.startswith("No changes (1 object compared)")
    ), diff.stdout


YAML11 = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
  labels:
    enabled: yes
data:
  feature: on
  quoted: "yes"
  word: yesterday
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      hostNetwork: yes
      containers:
        - name: app
          image: app:1.0
          env:
            - {name: DEBUG, value: off}
"""


def test_yaml_11_booleans_are_reported_where_kubernetes_misreads_them(work: Path) -> None:
    Path("flags.yaml").write_text(YAML11, encoding="utf-8")
    outcome = invoke("check", "flags.yaml", "--no-config", "-f", "json", "-j", "1", "--fail-on", "error", cpu=5)
    schema = [f for f in json.loads(outcome.stdout)["findings"] if f["rule"] == "schema-invalid"]
    where = {(f["line"], f["column"]): f["message"] for f in schema}
    assert where == {
        (6, 5): 'metadata.labels.enabled: yes is read as a boolean (true) by kubectl and the API server (YAML as go-yaml v2 resolves it), not as text; quote it: "yes"',
        (8, 3): 'data.feature: on is read as a boolean (true) by kubectl and the API server (YAML as go-yaml v2 resolves it), not as text; quote it: "on"',
        (25, 29): 'spec.template.spec.containers[0].env[0].value: off is read as a boolean (false) by kubectl and the API server (YAML as go-yaml v2 resolves it), not as text; quote it: "off"',
    }  # and not hostNetwork: yes, where a boolean is what Kubernetes wants
