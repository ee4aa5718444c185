"""deprecated-service-account-field: info when alone or equal, warning when serviceAccountName (which wins) differs."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "deprecated-service-account-field"


def pod(spec: str) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:{spec}
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text, **options).findings if f.rule == RULE]


def test_alone_is_info(tmp_path: Path) -> None:
    text = pod("\n  serviceAccount: web")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "serviceAccount:"), "info",
         'serviceAccount is set to "web"; it is a deprecated alias of serviceAccountName'),
    ]


def test_equal_is_info(tmp_path: Path) -> None:
    text = pod("\n  serviceAccountName: web\n  serviceAccount: web")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "serviceAccount:"), "info",
         'serviceAccount is set to "web", as serviceAccountName is; it is a deprecated alias of serviceAccountName'),
    ]


def test_differing_is_a_warning_naming_the_winner(tmp_path: Path) -> None:
    text = pod("\n  serviceAccountName: web\n  serviceAccount: admin")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "serviceAccount:"), "warning",
         'serviceAccount is "admin" but serviceAccountName is "web": serviceAccountName wins, so the pods run as '
         '"web" and serviceAccount is ignored'),
    ]


def test_empty_or_absent_is_unset(tmp_path: Path) -> None:
    assert findings(tmp_path, pod('\n  serviceAccount: ""\n  serviceAccountName: web')) == []
    assert findings(tmp_path, pod("\n  serviceAccountName: web")) == []


def test_a_configured_severity_applies_to_both_cases(tmp_path: Path) -> None:
    config = tmp_path / ".kgen.yaml"
    config.write_text(f"rules:\n  {RULE}: error\n")
    got = findings(tmp_path, pod("\n  serviceAccount: web"), config_path=config)
    got += findings(tmp_path, pod("\n  serviceAccountName: web\n  serviceAccount: admin"), config_path=config)
    assert [row[3] for row in got] == ["error", "error"]
