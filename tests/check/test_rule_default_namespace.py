"""default-namespace (off by default): namespaced Kubernetes kinds only; cluster-scoped and custom kinds never."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "default-namespace"


def findings(tmp_path: Path, text: str, enabled: bool = True) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, enable=(RULE,) if enabled else ())
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def obj(api_version: str, kind: str, namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"""
apiVersion: {api_version}
kind: {kind}
metadata:
  name: thing{ns}
"""


def test_off_unless_switched_on(tmp_path: Path) -> None:
    assert findings(tmp_path, obj("v1", "ConfigMap"), enabled=False) == []


def test_no_namespace_points_at_metadata_and_default_at_the_value(tmp_path: Path) -> None:
    text = obj("v1", "ConfigMap")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "metadata:"), "warning",
         "ConfigMap names no metadata.namespace, so it goes to the namespace of whoever applies it (usually default)"),
    ]
    text = obj("apps/v1", "Deployment", "default")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "namespace: default"), "warning", "Deployment is in the default namespace"),
    ]


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("v1", "Namespace"),
        ("v1", "PersistentVolume"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
        ("networking.k8s.io/v1", "IngressClass"),
        ("gateway.networking.k8s.io/v1", "GatewayClass"),
        ("cert-manager.io/v1", "Certificate"),  # a custom resource: its scope is in its CRD
    ],
)
def test_cluster_scoped_and_custom_kinds_are_never_reported(tmp_path: Path, api_version: str, kind: str) -> None:
    assert findings(tmp_path, obj(api_version, kind)) == []


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [("rbac.authorization.k8s.io/v1", "RoleBinding"), ("gateway.networking.k8s.io/v1", "HTTPRoute"), ("v1", "Secret")],
)
def test_namespaced_kinds_of_kubernetes_groups_are_reported(tmp_path: Path, api_version: str, kind: str) -> None:
    assert [f[0] for f in findings(tmp_path, obj(api_version, kind))] == [RULE]
