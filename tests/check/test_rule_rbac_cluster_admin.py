"""rbac-cluster-admin: a binding whose roleRef is the ClusterRole cluster-admin, naming its subjects."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "rbac-cluster-admin"


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text).findings if f.rule == RULE]


def binding(kind: str, name: str, role_kind: str = "ClusterRole", api_group: str = "rbac.authorization.k8s.io") -> str:
    namespace = ", namespace: shop" if kind == "RoleBinding" else ""
    return (
        f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {{name: {name}{namespace}}}\n"
        f"roleRef:\n  apiGroup: {api_group}\n  kind: {role_kind}\n  name: cluster-admin\n"
        "subjects:\n  - {kind: ServiceAccount, name: deployer}\n  - {kind: User, name: alice}\n"
    )


def test_both_binding_kinds_with_their_scope_and_subjects(tmp_path: Path) -> None:
    text = binding("ClusterRoleBinding", "ci") + "---\n" + binding("RoleBinding", "local")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: cluster-admin"), "warning",
         "ClusterRoleBinding ci grants cluster-admin cluster-wide: every action on every resource in every "
         "namespace, to ServiceAccount default/deployer, User alice"),
        (RULE, *loc(text, "name: cluster-admin", 2), "warning",
         "RoleBinding shop/local grants cluster-admin in namespace shop only: every action on every resource "
         "there, its Roles, RoleBindings and Secrets included, to ServiceAccount shop/deployer, User alice"),
    ]


def test_a_role_of_that_name_a_wrong_api_group_and_system_bindings_are_not_it(tmp_path: Path) -> None:
    text = "---\n".join([
        binding("RoleBinding", "own-role", role_kind="Role"),
        binding("ClusterRoleBinding", "wrong-group", api_group="example.com"),
        binding("ClusterRoleBinding", "system:masters-admin"),
    ])
    assert findings(tmp_path, text) == []
