"""route-backend-missing: Gateway API backendRefs, their ports and their ReferenceGrants."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "route-backend-missing"

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: auth, namespace: identity}
spec:
  selector: {app: auth}
  ports: [{name: http, port: 80}]
---
"""


def grant(kind: str, name: str = "") -> str:
    to = f", name: {name}" if name else ""
    return f"""
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {{name: g, namespace: identity}}
spec:
  from: [{{group: gateway.networking.k8s.io, kind: {kind}, namespace: shop}}]
  to: [{{group: "", kind: Service{to}}}]
---
"""


ROUTE = """
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: login, namespace: shop}
spec:
  rules:
    - backendRefs:
        - {name: auth, namespace: identity, port: 80}
"""


def findings(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text), RULE)]


def test_a_grant_for_another_route_kind_does_not_allow_the_reference(tmp_path: Path) -> None:
    text = SERVICE + grant("GRPCRoute") + ROUTE
    assert findings(tmp_path, text) == [
        (*loc(text, "namespace: identity, port"), "warning",
         "backendRef to Service auth in namespace identity crosses namespaces, and no checked ReferenceGrant of "
         "namespace identity lets HTTPRoutes of namespace shop refer to it; the reference is refused "
         "(RefNotPermitted) and the rule gets no backend"),
    ]


def test_a_grant_for_all_services_or_this_one_allows_it(tmp_path: Path) -> None:
    assert findings(tmp_path, SERVICE + grant("HTTPRoute") + ROUTE) == []
    assert findings(tmp_path, SERVICE + grant("HTTPRoute", "auth") + ROUTE) == []
    assert [f[2] for f in findings(tmp_path, SERVICE + grant("HTTPRoute", "other") + ROUTE)] == ["warning"]


def test_without_any_grant_checked_the_grant_is_not_judged(tmp_path: Path) -> None:
    assert findings(tmp_path, SERVICE + ROUTE) == []


def test_a_service_backend_needs_a_port_whatever_else_is_checked(tmp_path: Path) -> None:
    text = ROUTE.replace(", port: 80", "")
    assert findings(tmp_path, text) == [
        (*loc(text, "name: auth"), "error",
         "backendRef to Service auth has no port; a Service backend needs one (the Gateway API refuses the route, "
         "or resolves no backend for it)"),
    ]


def test_the_port_is_the_services_port(tmp_path: Path) -> None:
    text = SERVICE + grant("HTTPRoute") + ROUTE.replace("port: 80", "port: 8080")
    assert [f[:3] for f in findings(tmp_path, text)] == [(*loc(text, "port: 8080"), "error")]


def test_a_route_of_another_group_is_not_judged(tmp_path: Path) -> None:
    text = ROUTE.replace("gateway.networking.k8s.io/v1", "example.com/v1").replace(", port: 80", "")
    assert findings(tmp_path, text) == []
