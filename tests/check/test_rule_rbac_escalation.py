"""rbac-escalation: one finding per rule naming every way it lets its holders gain more."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "rbac-escalation"


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text).findings if f.rule == RULE]


def test_every_way_is_named_in_one_finding(tmp_path: Path) -> None:
    text = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: root}
rules:
  - apiGroups: ["*"]
    resources: [clusterroles, serviceaccounts, jobs]
    verbs: [bind, impersonate, create]
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "apiGroups"), "warning",
         "ClusterRole root: rules[0] allows bind on clusterroles (it may bind any role, cluster-admin included, "
         "to anyone); impersonate on serviceaccounts (it may act as any of them); create on jobs (the pods it "
         "creates may run as any service account of their namespace and mount any of its secrets); no checked "
         "binding grants it"),
    ]


def test_bind_on_bindings_update_of_workloads_and_unserved_groups_are_quiet(tmp_path: Path) -> None:
    text = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: operator, namespace: shop}
rules:
  - {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create, bind]}
  - {apiGroups: [apps], resources: [deployments], verbs: [update, patch]}
  - {apiGroups: [extensions], resources: [deployments, daemonsets], verbs: [create]}
  - {apiGroups: [""], resources: [serviceaccounts, pods/eviction], verbs: [create]}
  - {apiGroups: [rbac.authorization.k8s.io], resources: [users], verbs: [impersonate]}
"""
    assert findings(tmp_path, text) == []
