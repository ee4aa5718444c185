"""service-exposed (off by default): the types in the parameter, on core Services only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "service-exposed"


def service(kind: str, api_version: str = "v1") -> str:
    return f"""
apiVersion: {api_version}
kind: Service
metadata:
  name: web
spec:
  type: {kind}
  selector: {{app: web}}
  ports: [{{port: 80}}]
"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize(
    ("kind", "why"),
    [("NodePort", "opens a port on every node's address"),
     ("LoadBalancer", "gets an external load balancer (and a port on every node)")],
)
def test_exposed_types(tmp_path: Path, kind: str, why: str) -> None:
    text = service(kind)
    assert findings(tmp_path, text, enable=(RULE,)) == [(RULE, *loc(text, "type:"), "warning", f"Service type {kind} {why}")]
    assert findings(tmp_path, text) == []  # off by default


def test_cluster_ip_and_external_name_pass_by_default_and_the_parameter_adds_types(tmp_path: Path) -> None:
    assert findings(tmp_path, service("ClusterIP"), enable=(RULE,)) == []
    text = service("ExternalName")
    assert findings(tmp_path, text, enable=(RULE,)) == []
    (tmp_path / ".kgen.yaml").write_text(f"rules:\n  {RULE}:\n    enabled: true\n    params:\n      types: [ExternalName]\n")
    assert findings(tmp_path, text, config_path=tmp_path / ".kgen.yaml") == [
        (RULE, *loc(text, "type:"), "warning", "Service type ExternalName resolves to a name outside the cluster"),
    ]
