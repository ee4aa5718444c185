"""service-account-token-mounted: the mount as the ServiceAccount admission plugin decides it, across objects."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "service-account-token-mounted"


def pod(spec: str = "", namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app{ns}
spec:{spec}
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
"""


def account(name: str, automount: str = "", namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    line = f"\nautomountServiceAccountToken: {automount}" if automount else ""
    return f"""---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}{ns}{line}
"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text).findings if f.rule == RULE]


def message(account_name: str, reason: str, kind: str = "Pod", name: str = "app") -> str:
    return (
        f'{kind} {name}: the API token of service account "{account_name}" is mounted into its pods, as {reason}; '
        "any process in them can call the API server as that account"
    )


def test_by_default_the_token_is_mounted_reported_at_the_pod_spec(tmp_path: Path) -> None:
    text = pod()
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "spec:"), "info",
         message("default", 'neither the pod nor ServiceAccount "default" (not among the checked objects) sets '
                 "automountServiceAccountToken, which defaults to true")),
    ]


@pytest.mark.parametrize(
    ("pod_value", "account_value", "mounted"),
    [("", "false", False), ("", "true", True), ("", "", True), ("false", "true", False), ("true", "false", True),
     ("false", "", False)],
)
def test_the_pods_field_wins_over_the_accounts(tmp_path: Path, pod_value: str, account_value: str, mounted: bool) -> None:
    spec = "\n  serviceAccountName: web" + (f"\n  automountServiceAccountToken: {pod_value}" if pod_value else "")
    text = pod(spec) + account("web", account_value)
    assert bool(findings(tmp_path, text)) is mounted


def test_reasons_and_positions(tmp_path: Path) -> None:
    text = (
        pod("\n  serviceAccountName: web\n  automountServiceAccountToken: true")
        + account("web", "false")
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "automountServiceAccountToken: true"), "info",
         message("web", "the pod sets automountServiceAccountToken: true, overriding the ServiceAccount's false")),
    ]
    text = pod("\n  serviceAccountName: web") + account("web", "true")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "spec:"), "info",
         message("web", 'ServiceAccount "web" sets automountServiceAccountToken: true and the pod does not override it')),
    ]


def test_the_account_is_looked_up_in_the_pods_namespace_and_file_order_does_not_matter(tmp_path: Path) -> None:
    elsewhere = account("web", "false", namespace="other") + "---" + pod("\n  serviceAccountName: web", namespace="shop")
    assert len(findings(tmp_path, elsewhere)) == 1
    here = account("web", "false", namespace="shop") + "---" + pod("\n  serviceAccountName: web", namespace="shop")
    assert findings(tmp_path, here) == []


def test_the_deprecated_field_names_the_account_when_service_account_name_is_unset(tmp_path: Path) -> None:
    assert findings(tmp_path, pod("\n  serviceAccount: web") + account("web", "false")) == []
    assert len(findings(tmp_path, pod("\n  serviceAccount: web\n  serviceAccountName: api") + account("web", "false"))) == 1


def test_templates_of_every_workload_kind(tmp_path: Path) -> None:
    text = """
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: report
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/acme/report:1.0.0
"""
    assert [(line, column) for _, line, column, *_ in findings(tmp_path, text)] == [loc(text, "spec:", 3)]
