"""rbac-pod-exec: the verbs that grant exec and attach depend on the Kubernetes version (KEP-4006)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "rbac-pod-exec"
TEXT = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: viewer, namespace: shop}
rules:
  - apiGroups: [""]
    resources: [pods, pods/exec, pods/attach]
    verbs: [get, list]
  - apiGroups: [""]
    resources: ["*/attach"]
    resourceNames: [db-0]
    verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewer, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: viewer}
subjects: [{kind: User, name: alice}]
"""
BOUND = "granted in namespace shop by RoleBinding shop/viewer to User alice"
ATTACH = (
    RULE, *loc(TEXT, "apiGroups", 2), "warning",
    "Role shop/viewer: rules[1] allows create on pods/attach: a shell in the pods named db-0, with their service "
    f"account's token and their mounted secrets; {BOUND}",
)


def findings(tmp_path: Path, version: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, TEXT, kubernetes_version=version)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize("version", ["1.35", "1.37"])
def test_from_1_35_get_alone_grants_no_exec(tmp_path: Path, version: str) -> None:
    assert findings(tmp_path, version) == [ATTACH]


@pytest.mark.parametrize("version", ["1.30", "1.34"])
def test_before_1_35_get_is_enough_over_websocket(tmp_path: Path, version: str) -> None:
    why = "(enough for a WebSocket connection before Kubernetes 1.35)"
    assert findings(tmp_path, version) == [
        (RULE, *loc(TEXT, "apiGroups"), "warning",
         f"Role shop/viewer: rules[0] allows get on pods/exec {why} and get on pods/attach {why}: a shell in the "
         f"pods, with their service account's token and their mounted secrets; {BOUND}"),
        ATTACH,
    ]
