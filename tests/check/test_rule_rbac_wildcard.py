"""rbac-wildcard: "*" where the authorizer reads it as everything, at the rule."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc

RULE = "rbac-wildcard"


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text).findings if f.rule == RULE]


def test_each_wildcard_field_is_named_and_core_resources_are_called_out(tmp_path: Path) -> None:
    text = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: broad}
rules:
  - apiGroups: [""]
    resources: ["*"]
    verbs: [get]
  - apiGroups: [metrics.k8s.io]
    resources: ["*"]
    verbs: ["*"]
  - verbs: [get]
    nonResourceURLs: ["/*"]
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "apiGroups"), "warning",
         'ClusterRole broad: rules[0] has "*" in resources: every resource and subresource of its API groups '
         "(secrets and pods/exec among them); no checked binding grants it"),
        (RULE, *loc(text, "apiGroups", 2), "warning",
         'ClusterRole broad: rules[1] has "*" in verbs and resources: every verb, including ones added later '
         "(escalate, bind, impersonate); every resource and subresource of its API groups; no checked binding grants it"),
        (RULE, *loc(text, "verbs: [get]", 2), "warning",
         'ClusterRole broad: rules[2] has "*" in nonResourceURLs: every non-resource URL; no checked binding grants it'),
    ]


def test_a_binding_repeated_in_two_files_is_named_once(tmp_path: Path) -> None:
    role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: all}\nrules:\n  - {apiGroups: ["*"], resources: [widgets], verbs: [get]}\n'
    binding = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: all}\n"
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: all}\n"
        "subjects: [{kind: ServiceAccount, name: ctl, namespace: ops}]\n"
    )
    (tmp_path / "copy.yaml").write_text(binding)
    result = check(tmp_path, role + "---\n" + binding)
    import kgen.check.engine as engine

    both = engine.run_check(engine.CheckOptions(paths=(str(tmp_path),), discover_config=False))
    messages = [f.message for f in both.findings if f.rule == RULE]
    assert messages == [
        'ClusterRole all: rules[0] has "*" in apiGroups: every API group, custom resources included; granted '
        "cluster-wide by ClusterRoleBinding all to ServiceAccount ops/ctl"
    ]
    assert [f.message for f in result.findings if f.rule == RULE] == messages


def test_subresource_patterns_prefix_urls_and_aggregated_roles_are_quiet(tmp_path: Path) -> None:
    text = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: narrow}
rules:
  - {apiGroups: [apps], resources: ["*/scale"], verbs: [update]}
  - {nonResourceURLs: ["/metrics/*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: union}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: y}}]}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
"""
    assert findings(tmp_path, text) == []
