"""networkpolicy-selects-no-pods: a policy's podSelector against the checked pods of its namespace."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, deployment, loc, of

RULE = "networkpolicy-selects-no-pods"


def policy(selector: str, namespace: str = "default") -> str:
    return f"""
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: p, namespace: {namespace}}}
spec:
  podSelector: {selector}
"""


def findings(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text), RULE)]


def test_an_expression_no_pod_meets_is_reported_with_the_selector(tmp_path: Path) -> None:
    text = deployment() + policy("{matchExpressions: [{key: app, operator: In, values: [api, db]}]}")
    assert findings(tmp_path, text) == [
        (*loc(text, "podSelector"), "warning",
         "NetworkPolicy p selects app in (api,db), which matches no pod template among the checked objects of "
         "namespace default; it isolates no pod"),
    ]


def test_an_empty_selector_needs_a_workload_in_its_own_namespace(tmp_path: Path) -> None:
    assert findings(tmp_path, deployment() + policy("{}")) == []
    text = deployment() + policy("{}", namespace="payments")
    assert findings(tmp_path, text) == [
        (*loc(text, "podSelector"), "warning",
         "NetworkPolicy p selects every pod of namespace payments, and no workload of that namespace is among the "
         "checked objects; it isolates no pod"),
    ]


def test_a_bare_pod_is_selected_by_its_own_labels(tmp_path: Path) -> None:
    pod = """
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: debug}}
spec:
  containers: [{name: debug, image: busybox:1.36}]
"""
    assert findings(tmp_path, pod + policy("{matchLabels: {app: debug}}")) == []


def test_not_judged_without_any_workload(tmp_path: Path) -> None:
    assert findings(tmp_path, policy("{matchLabels: {app: api}}")) == []
