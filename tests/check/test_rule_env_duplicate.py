"""env-duplicate: every later entry of a name, as the API server warns of it, saying which entry wins."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "env-duplicate"


def pod(env: str) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
      env:
{env}"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text).findings if f.rule == RULE]


def test_each_later_entry_is_reported_and_the_last_wins(tmp_path: Path) -> None:
    text = pod(
        "        - {name: PORT, value: '1'}\n"
        "        - {name: HOST, value: a}\n"
        "        - {name: PORT, value: '2'}\n"
        "        - {name: PORT, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n"
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: PORT", 2), "warning",
         'container "app" sets env PORT again at env[2] (first at env[0]); the kubelet applies env in order, '
         "so env[3], later still, wins"),
        (RULE, *loc(text, "name: PORT", 3), "warning",
         'container "app" sets env PORT again at env[3] (first at env[0]); the kubelet applies env in order, '
         "so this entry wins"),
    ]


def test_an_entry_building_on_the_earlier_value_is_deliberate(tmp_path: Path) -> None:
    text = pod(
        "        - {name: PATH, value: /usr/bin}\n"
        "        - {name: PATH, value: '$(PATH):/opt/bin'}\n"
        "        - {name: OPTS, value: -Xmx1g}\n"
        "        - {name: OPTS, value: $(OPTS)}\n"
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: OPTS", 2), "warning",
         'container "app" sets env OPTS again at env[3] (first at env[2]); the kubelet applies env in order, '
         "so this entry wins"),
    ]


def test_names_are_case_sensitive_and_per_container(tmp_path: Path) -> None:
    text = """
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  initContainers:
    - name: init
      image: busybox:1.36
      env:
        - {name: PORT, value: '1'}
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
      envFrom:
        - configMapRef: {name: app}
      env:
        - {name: PORT, value: '1'}
        - {name: port, value: '2'}
"""
    assert findings(tmp_path, text) == []


def test_malformed_entries_are_left_to_schema_invalid(tmp_path: Path) -> None:
    text = pod("        - just-a-string\n        - {value: no-name}\n        - {name: A, value: x}\n")
    assert findings(tmp_path, text) == []
