"""ingress-backend-missing: backends' Services and ports among the checked Services of the Ingress's namespace."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of, write

from kgen.check.engine import CheckOptions, run_check

RULE = "ingress-backend-missing"

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
"""


def ingress(backend: str) -> str:
    return f"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: shop, namespace: shop}}
spec:
  defaultBackend:
    service: {backend}
"""


def findings(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text), RULE)]


def test_the_service_port_number_not_its_target_port(tmp_path: Path) -> None:
    text = SERVICE + ingress("{name: web, port: {number: 8080}}")
    assert findings(tmp_path, text) == [
        (*loc(text, "number"), "error",
         "Ingress shop sends traffic to port 8080 of Service web, which has no such port (its ports: 80/http); "
         "the ingress controller has no endpoint for it"),
    ]
    assert findings(tmp_path, SERVICE + ingress("{name: web, port: {number: 80}}")) == []
    assert findings(tmp_path, SERVICE + ingress("{name: web, port: {name: http}}")) == []


def test_a_missing_service_is_a_warning_at_its_name_and_an_error_when_the_set_is_complete(tmp_path: Path) -> None:
    text = SERVICE + ingress("{name: storefront, port: {number: 80}}")
    message = (
        "Ingress shop sends traffic to Service storefront, which is not among the checked Services of namespace "
        "shop; the ingress controller has no backend for it and answers 503"
    )
    assert findings(tmp_path, text) == [(*loc(text, "name: storefront"), "warning", message)]
    path = write(tmp_path, text, "all.yaml")
    config = write(tmp_path, "complete: true\n", ".kgen.yaml")
    result = run_check(CheckOptions(paths=(str(path),), config_path=config, discover_config=False))
    assert [(f.line, f.column, f.severity) for f in of(result, RULE)] == [(*loc(text, "name: storefront"), "error")]


def test_a_service_of_another_namespace_is_not_found(tmp_path: Path) -> None:
    text = SERVICE.replace("namespace: shop", "namespace: ops") + ingress("{name: web, port: {number: 80}}")
    assert [f[:3] for f in findings(tmp_path, text)] == [(*loc(text, "name: web, port"), "warning")]


def test_no_service_at_all_is_not_judged(tmp_path: Path) -> None:
    assert findings(tmp_path, ingress("{name: web, port: {number: 80}}")) == []
