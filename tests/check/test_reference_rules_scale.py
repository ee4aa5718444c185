"""The reference rules over a generated tree of thousands of Services and workloads: exact findings, and
lookups that stay keyed (label selectors are evaluated a bounded number of times per object, never once
per pair of objects)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pytest

import kgen.check.index as index_module
from kgen.check.engine import CheckOptions, run_check

NAMESPACES = 30
PER_NAMESPACE = 50  # 1,500 Deployments and 1,500 Services, 30 NetworkPolicies and PDBs
RULES = (
    "service-selects-no-pods",
    "service-port-unknown",
    "networkpolicy-selects-no-pods",
    "pod-not-isolated",
    "pdb-selects-no-pods",
    "ingress-backend-missing",
)


def deployment(namespace: str, name: str) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}, app.kubernetes.io/part-of: shop}}
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/{name}:1.0.0
          ports: [{{name: http, containerPort: 8080}}]
"""


def service(namespace: str, name: str, selects: str, target: str) -> str:
    return f"""apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{app.kubernetes.io/part-of: shop, app: {selects}}}
  ports: [{{name: http, port: 80, targetPort: {target}}}]
"""


def write_tree(root: Path) -> None:
    for n in range(NAMESPACES):
        namespace = f"team-{n}"
        folder = root / namespace
        folder.mkdir()
        docs = []
        for i in range(PER_NAMESPACE):
            name = f"app-{i}"
            docs.append(deployment(namespace, name))
            selects = "gone" if i == 7 else name  # one Service per namespace selects nothing
            target = "web" if i == 9 else "http"  # one names a port nobody declares
            docs.append(service(namespace, name, selects, target))
        # isolates every pod for Ingress but app-3's; Egress for none
        docs.append(f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: ingress, namespace: {namespace}}}
spec:
  podSelector:
    matchExpressions: [{{key: app, operator: NotIn, values: [app-3]}}]
""")
        docs.append(f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: budget, namespace: {namespace}}}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {{app.kubernetes.io/part-of: shop, app: app-{PER_NAMESPACE}}}
""")
        (folder / "all.yaml").write_text("---\n".join(docs), encoding="utf-8")


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[tuple[str, int, str]]], int]:
    root = tmp_path_factory.mktemp("tree")
    write_tree(root)
    calls = 0
    original = index_module.selector_matches

    def counting(selector: Any, labels: Mapping[str, Any], empty_matches_all: bool) -> bool:
        nonlocal calls
        calls += 1
        return original(selector, labels, empty_matches_all)

    patch = pytest.MonkeyPatch()
    patch.setattr(index_module, "selector_matches", counting)
    try:
        result = run_check(CheckOptions(paths=(str(root),), discover_config=False, schema_validation=False))
    finally:
        patch.undo()
    found: dict[str, list[tuple[str, int, str]]] = {}
    for f in result.findings:
        if f.rule in RULES:
            found.setdefault(f.rule, []).append((Path(f.file).parent.name, f.line, f.severity))
    return found, calls


def line_of(kind: str, index: int) -> int:
    """The 1-based line where the selector (Service) or pod labels (Deployment) of object ``index`` sit."""
    deployment_lines, service_lines, separator = 14, 6, 1
    start = index * (deployment_lines + service_lines + 2 * separator) + 1
    return start + (8 if kind == "labels" else deployment_lines + separator + 4)


def test_each_namespace_reports_its_own_dangling_service_and_port(counted: Any) -> None:
    found, _ = counted
    teams = [f"team-{n}" for n in range(NAMESPACES)]
    assert sorted(found["service-selects-no-pods"]) == sorted((t, line_of("selector", 7), "warning") for t in teams)
    assert sorted(found["service-port-unknown"]) == sorted((t, line_of("selector", 9) + 1, "error") for t in teams)


def test_isolation_and_budgets_are_judged_per_namespace(counted: Any) -> None:
    found, _ = counted
    teams = [f"team-{n}" for n in range(NAMESPACES)]
    isolated = found["pod-not-isolated"]
    assert len(isolated) == NAMESPACES * (PER_NAMESPACE + 1)  # Egress for every pod, Ingress for app-3
    assert sorted(x for x in isolated if x[1] == line_of("labels", 3)) == sorted(
        [(t, line_of("labels", 3), "info") for t in teams] * 2
    )
    assert len(found["pdb-selects-no-pods"]) == NAMESPACES
    assert "networkpolicy-selects-no-pods" not in found
    assert "ingress-backend-missing" not in found


def test_selectors_are_evaluated_a_bounded_number_of_times_per_object(counted: Any) -> None:
    _, calls = counted
    objects = NAMESPACES * (2 * PER_NAMESPACE + 2)
    # every Service reads the one Deployment carrying its rarest label (twice: two rules); every NetworkPolicy
    # reads its namespace once (a NotIn selector); a quadratic index would make about 1,500 x 50 calls
    assert calls <= 3 * objects
