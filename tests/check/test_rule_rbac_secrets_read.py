"""rbac-secrets-read: read verbs on core secrets as the authorizer matches them, at the rule, naming who is bound."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "rbac-secrets-read"
BINDINGS = """
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-reads, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
  - {kind: ServiceAccount, name: app}
  - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-reads}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
  - {kind: ServiceAccount, name: ops, namespace: tools}
"""


def role(rules: str, kind: str = "ClusterRole", extra: str = "") -> str:
    namespace = "\n  namespace: shop" if kind == "Role" else ""
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: {kind}
metadata:
  name: reader{namespace}{extra}
rules:
{rules}"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_list_names_every_binding_with_its_scope(tmp_path: Path) -> None:
    text = role('  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [list]\n') + BINDINGS
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "apiGroups"), "warning",
         "ClusterRole reader: rules[0] allows list on every secret: list and watch return every secret's data, "
         "not only names; granted in namespace shop only by RoleBinding shop/app-reads to ServiceAccount shop/app, "
         "Group devs; granted cluster-wide by ClusterRoleBinding ops-reads to ServiceAccount tools/ops"),
    ]


def test_wildcards_match_and_resource_names_narrow_to_info(tmp_path: Path) -> None:
    text = role(
        '  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n'
        '  - apiGroups: [""]\n    resources: [secrets]\n    resourceNames: [db, tls]\n    verbs: [get, list]\n',
        kind="Role",
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "apiGroups"), "warning",
         "Role shop/reader: rules[0] allows get, list and watch on every secret: list and watch return every "
         "secret's data, not only names; no checked binding grants it"),
        (RULE, *loc(text, "apiGroups", 2), "info",
         "Role shop/reader: rules[1] allows get and list on the secrets named db, tls only (resourceNames); "
         "no checked binding grants it"),
    ]


def test_a_role_binding_in_another_namespace_does_not_grant_a_role(tmp_path: Path) -> None:
    text = role('  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get]\n', kind="Role") + """
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: elsewhere, namespace: other}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: User, name: bob}]
"""
    assert [m for *_, m in findings(tmp_path, text)] == [
        "Role shop/reader: rules[0] allows get on every secret: get reads the data of any secret whose name it "
        "knows; no checked binding grants it"
    ]


def test_aggregated_roles_reach_the_subjects_of_the_aggregating_role(tmp_path: Path) -> None:
    text = role(
        '  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [watch]\n',
        extra="\n  labels: {team: ops, rbac.authorization.k8s.io/aggregate-to-edit: \"true\"}",
    ) + """
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops-all}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {team: ops}}]
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops-all}
subjects: [{kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}]
"""
    # the aggregating role's own rules are written by the controller: only the aggregated role is judged
    assert [(line, m) for _, line, _, _, m in findings(tmp_path, text)] == [
        (7, "ClusterRole reader: rules[0] allows watch on every secret: list and watch return every secret's data, "
            "not only names; granted cluster-wide by ClusterRoleBinding ops to Group ops (through ClusterRole "
            "ops-all, which aggregates it); aggregated into the built-in ClusterRoles admin and edit (granted to "
            "whoever holds them)"),
    ]


def test_other_groups_write_verbs_and_system_roles_are_quiet(tmp_path: Path) -> None:
    text = role(
        '  - apiGroups: [external-secrets.io]\n    resources: [secrets]\n    verbs: [get]\n'
        '  - apiGroups: [""]\n    resources: [secrets, Secrets]\n    verbs: [create, update, Get]\n'
    ) + "---\n" + role('  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get]\n').replace(
        "name: reader", "name: system:controller:token-cleaner"
    )
    assert findings(tmp_path, text) == []
