"""Many objects sharing one selector (a chart's per-environment copies, a team label on every Service):
exact findings, and selectors evaluated a bounded number of times per object, never once per pair."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Mapping

import pytest

import kgen.check.index as index_module
from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import Finding

COPIES = 300  # of each: Deployments, Services, PDBs, NetworkPolicies, ServiceMonitors


def documents() -> list[str]:
    docs = []
    for i in range(COPIES):
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: d{i}, namespace: shop}}
spec:
  replicas: 2
  strategy: {{type: Recreate}}
  selector: {{matchLabels: {{app: web, copy: c{i}}}}}
  template:
    metadata: {{labels: {{app: web, copy: c{i}, part-of: shop}}}}
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/web:1.0.0
          ports: [{{name: http, containerPort: 8080}}]
""")
        docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: s{i}, namespace: shop, labels: {{app: web}}}}
spec:
  selector: {{app: web}}
  ports: [{{name: web, port: 80, targetPort: http}}, {{name: metrics, port: 9090, targetPort: metrics}}]
""")
        docs.append(f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: p{i}, namespace: shop}}
spec:
  minAvailable: 2
  selector: {{matchLabels: {{part-of: shop, tier: t{i}}}}}
""")
        docs.append(f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: n{i}, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{part-of: shop}}}}
  policyTypes: [Ingress]
""")
        docs.append(f"""apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: m{i}, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: web}}}}
  endpoints: [{{port: web}}, {{port: admin}}]
""")
    docs.append("""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: all, namespace: shop}
spec:
  minAvailable: 2
  selector: {matchLabels: {part-of: shop}}
""")
    return docs


TEXT = "---\n".join(documents())


def found_at(needle: str) -> list[tuple[int, int]]:
    """1-based line and column of every occurrence of needle in the tree's one file."""
    return [
        (number, line.index(needle) + 1)
        for number, line in enumerate(TEXT.split("\n"), start=1)
        if needle in line
    ]


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Finding], Counter[str]]:
    root = tmp_path_factory.mktemp("shared")
    (root / "all.yaml").write_text(TEXT, encoding="utf-8")
    calls: Counter[str] = Counter()
    patch = pytest.MonkeyPatch()
    for name in ("selector_matches", "pod_labels"):
        original = getattr(index_module, name)

        def counting(*args: Any, _name: str = name, _original: Any = original, **named: Any) -> Any:
            calls[_name] += 1
            return _original(*args, **named)

        patch.setattr(index_module, name, counting)
    try:
        result = run_check(CheckOptions(paths=(str(root),), discover_config=False, schema_validation=False))
    finally:
        patch.undo()
    return list(result.findings), calls


def lines(findings: list[Finding], rule: str) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.severity) for f in findings if f.rule == rule]


def test_every_service_copy_reports_the_port_no_pod_declares(counted: Any) -> None:
    findings, _ = counted
    expected = [(line, column + len("{name: metrics, port: 9090, "), "error") for line, column in found_at("{name: metrics")]
    assert len(expected) == COPIES
    assert lines(findings, "service-port-unknown") == expected
    first = next(f for f in findings if f.rule == "service-port-unknown")
    assert first.message == (
        "targetPort metrics names a port that no container of the selected pods (Deployment/d0, Deployment/d1, "
        "Deployment/d10 and 297 more) declares for TCP; the endpoints controller resolves it in no pod, so port "
        "9090 routes nothing"
    )
    assert "service-selects-no-pods" not in {f.rule for f in findings}


def test_every_monitor_copy_reports_its_missing_endpoint_port(counted: Any) -> None:
    findings, _ = counted
    expected = [(line, column, "warning") for line, column in found_at("port: admin")]
    assert len(expected) == COPIES
    assert lines(findings, "servicemonitor-selects-nothing") == expected


def test_budgets_and_workloads_served_by_many_services(counted: Any) -> None:
    findings, _ = counted
    tiers = [(line, column, "warning") for line, column in found_at("tier: t")]
    assert [(f.line, f.severity) for f in findings if f.rule == "pdb-selects-no-pods"] == [(t[0], "warning") for t in tiers]
    blocking = [f for f in findings if f.rule == "pdb-blocks-eviction"]
    assert [(f.line, f.column, f.severity) for f in blocking] == [(found_at("name: all")[0][0] + 2, 3, "error")]
    assert blocking[0].message == (
        "minAvailable 2 requires 2 of the 2 pods of Deployment/d0 to stay up, so none can be evicted"
    )
    assert "pdb-missing" not in {f.rule for f in findings}  # the budget "all" covers every copy
    unsafe = [f for f in findings if f.rule == "rolling-update-unsafe"]
    assert [f.line for f in unsafe] == [line for line, _ in found_at("strategy: {type: Recreate}")]
    assert unsafe[0].message.endswith(
        'Services "s0", "s1", "s10" and 297 more then have no ready endpoint: each rollout is an outage'
    )
    # the 300 policies sharing one selector isolate every copy for Ingress; none isolates for Egress
    isolated = [f for f in findings if f.rule == "pod-not-isolated"]
    assert len(isolated) == COPIES and all("Egress" in f.message and "Ingress" not in f.message for f in isolated)


def test_a_shared_selector_is_evaluated_once_not_once_per_pair(counted: Any) -> None:
    _, calls = counted
    objects = 5 * COPIES
    # pairing every Service, budget, policy and monitor with every Deployment would make 4 x 300 x 300 calls
    assert calls["selector_matches"] <= 4 * objects
    assert calls["pod_labels"] <= 6 * objects
