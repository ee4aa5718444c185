"""default-service-account: the default account, named or implied, with its token mounted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "default-service-account"


def deployment(spec: str = "") -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:{spec}
      containers:
        - name: web
          image: nginx:1.27
"""


DEFAULT_OFF = """---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: shop
automountServiceAccountToken: false
"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text).findings if f.rule == RULE]


def message(named: str) -> str:
    return (
        f"Deployment web: its pods run as the default service account of namespace shop ({named}), with its token "
        "mounted; every pod there without its own account shares that identity and whatever roles are bound to it"
    )


@pytest.mark.parametrize(
    ("spec", "needle", "named"),
    [
        ("", "spec:", "serviceAccountName is not set"),
        ('\n      serviceAccountName: ""', "spec:", "serviceAccountName is not set"),
        ("\n      serviceAccountName: default", "serviceAccountName", "serviceAccountName is default"),
        ("\n      serviceAccount: default", "serviceAccount:", "serviceAccount is default"),
    ],
)
def test_the_default_account_named_or_implied(tmp_path: Path, spec: str, needle: str, named: str) -> None:
    text = deployment(spec)
    nth = 2 if needle == "spec:" else 1
    assert findings(tmp_path, text) == [(RULE, *loc(text, needle, nth), "info", message(named))]


def test_service_account_name_wins_over_the_deprecated_field(tmp_path: Path) -> None:
    assert findings(tmp_path, deployment("\n      serviceAccountName: web\n      serviceAccount: default")) == []
    assert len(findings(tmp_path, deployment("\n      serviceAccountName: default\n      serviceAccount: web"))) == 1


def test_without_a_token_the_identity_gives_the_pod_nothing(tmp_path: Path) -> None:
    assert findings(tmp_path, deployment("\n      automountServiceAccountToken: false")) == []
    assert findings(tmp_path, deployment() + DEFAULT_OFF) == []


def test_the_pods_true_overrides_the_default_accounts_false(tmp_path: Path) -> None:
    text = deployment("\n      automountServiceAccountToken: true") + DEFAULT_OFF
    assert findings(tmp_path, text) == [(RULE, *loc(text, "spec:", 2), "info", message("serviceAccountName is not set"))]
