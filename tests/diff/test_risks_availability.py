"""Availability risk notes: budgets, readiness, replicas, autoscalers, Services, rollout strategies."""

from __future__ import annotations

import pytest

from kgen.diff.api import DiffOptions, diff_texts
from kgen.model.k8s import WorkloadKind
from risk_cases import deployment, notes

REMOVED = ("object-removed", "", "object removed: kubectl apply --prune, Argo CD and Flux delete it from the cluster")
BLOCKS = ": evictions are refused, so node drains and cluster upgrades hang until they time out"

PDB = """---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  %s
"""


def test_a_removed_budget_whose_pods_stay() -> None:
    assert notes(deployment() + PDB % "minAvailable: 1", deployment()) == [
        ("PodDisruptionBudget web", *REMOVED),
        (
            "PodDisruptionBudget web",
            "pdb-removed",
            "",
            "PodDisruptionBudget removed: nothing limits voluntary evictions of the pods of Deployment shop/web "
            "any more; a node drain or cluster upgrade may evict them all at once",
        ),
    ]


def test_a_budget_removed_with_its_workload_is_no_pdb_note() -> None:
    codes = [code for _, code, _, _ in notes(deployment() + PDB % "minAvailable: 1", "")]
    assert codes == ["object-removed", "object-removed"]


@pytest.mark.parametrize(
    "old, new, path, why",
    [
        ("minAvailable: 1", "minAvailable: 3", "spec.minAvailable", "minAvailable 3 with 3 pods (Deployment shop/web)"),
        ("minAvailable: 1", "minAvailable: 5", "spec.minAvailable", "minAvailable 5 with 3 pods (Deployment shop/web)"),
        ("minAvailable: 1", "maxUnavailable: 0", "spec.maxUnavailable", "maxUnavailable 0"),
        ("maxUnavailable: 1", "maxUnavailable: 0%", "spec.maxUnavailable", "maxUnavailable 0%"),
        ("minAvailable: 50%", "minAvailable: 100%", "spec.minAvailable", "minAvailable 100%"),
        # 90% of 3 rounds up to 3, as the disruption controller computes it
        ("minAvailable: 50%", "minAvailable: 90%", "spec.minAvailable", "minAvailable 90% with 3 pods (Deployment shop/web)"),
    ],
)
def test_a_budget_made_to_block_every_eviction(old: str, new: str, path: str, why: str) -> None:
    assert notes(deployment() + PDB % old, deployment() + PDB % new) == [
        ("PodDisruptionBudget web", "pdb-blocks-eviction", path, why + BLOCKS)
    ]


@pytest.mark.parametrize(
    "old, new",
    [
        ("minAvailable: 3", "minAvailable: 1"),  # loosened
        ("maxUnavailable: 0", "maxUnavailable: 1"),
        ("minAvailable: 1", "minAvailable: 2"),  # stricter, still allows one eviction of three
        ("minAvailable: 1", "maxUnavailable: 10%"),  # 10% of 3 rounds up to 1
        ("minAvailable: 3", "maxUnavailable: 0"),  # blocked before too
    ],
)
def test_a_budget_that_still_allows_an_eviction_or_already_blocked_is_no_note(old: str, new: str) -> None:
    assert notes(deployment() + PDB % old, deployment() + PDB % new) == []


def test_a_workload_scaled_down_to_its_budget() -> None:
    assert notes(deployment(3) + PDB % "minAvailable: 2", deployment(2) + PDB % "minAvailable: 2") == [
        (
            "Deployment web",
            "pdb-blocks-eviction",
            "spec.replicas",
            "PodDisruptionBudget shop/web: minAvailable 2 with 2 pods (Deployment shop/web)" + BLOCKS,
        ),
        ("Deployment web", "replicas-lowered", "spec.replicas", "replicas lowered 3 → 2; fewer pods serve after the apply"),
    ]


def test_a_new_blocking_budget_is_noted() -> None:
    assert notes(deployment(), deployment() + PDB % "maxUnavailable: 0") == [
        ("PodDisruptionBudget web", "pdb-blocks-eviction", "spec.maxUnavailable", "maxUnavailable 0" + BLOCKS)
    ]


READINESS = "          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n"


def test_a_removed_readiness_probe() -> None:
    assert notes(deployment(container=READINESS), deployment()) == [
        (
            "Deployment web",
            "readiness-probe-removed",
            "spec.template.spec.containers[web].readinessProbe",
            "container web: readinessProbe removed; its pods count as ready once the container starts, so they "
            "get traffic before they can serve and a rollout does not wait for them",
        )
    ]


def test_a_changed_readiness_probe_or_a_removed_liveness_probe_is_no_readiness_note() -> None:
    assert notes(deployment(container=READINESS), deployment(container=READINESS.replace("/ready", "/healthz"))) == []
    liveness = READINESS.replace("readinessProbe", "livenessProbe")
    assert notes(deployment(container=liveness), deployment()) == []


ONE = "a single pod serves, so every rollout, eviction or node failure interrupts it"


def test_replicas_to_one() -> None:
    assert notes(deployment(3), deployment(1)) == [("Deployment web", "replicas-to-one", "spec.replicas", f"replicas 3 → 1: {ONE}")]
    unset = deployment(3).replace("  replicas: 3\n", "")
    assert notes(deployment(2), unset) == [
        ("Deployment web", "replicas-to-one", "spec.replicas", f"replicas 2 → 1 (unset means 1): {ONE}")
    ]
    assert notes(deployment(1), deployment(1).replace("web:1.0", "web:1.1")) == []
    assert notes(deployment(1), deployment(2)) == []


def test_replicas_to_one_on_a_declared_kind() -> None:
    kind = WorkloadKind("Rollout", ("spec", "template", "spec"), "argoproj.io", ("spec", "replicas"), ("spec", "selector"))
    old = deployment(4).replace("apps/v1", "argoproj.io/v1alpha1").replace("Deployment", "Rollout")
    new = old.replace("replicas: 4", "replicas: 1")
    result = diff_texts({"a.yaml": old}, {"b.yaml": new}, DiffOptions(workloads=(kind,)))
    assert [(r.code, r.path_text) for obj in result.objects for r in obj.risks] == [("replicas-to-one", "spec.replicas")]


HPA = """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
"""


def test_an_autoscaler_removed_from_a_workload_without_replicas() -> None:
    workload = deployment().replace("  replicas: 3\n", "")
    assert notes(workload + HPA, workload) == [
        ("HorizontalPodAutoscaler web", *REMOVED),
        (
            "HorizontalPodAutoscaler web",
            "hpa-removed",
            "",
            "HorizontalPodAutoscaler removed while Deployment shop/web sets no spec.replicas: nothing scales it "
            "any more; it keeps the count the autoscaler last set, and runs 1 pod (the default) wherever it is "
            "created anew",
        ),
    ]


def test_an_autoscaler_removed_where_the_workload_sets_replicas_or_goes_too() -> None:
    assert notes(deployment() + HPA, deployment()) == [("HorizontalPodAutoscaler web", *REMOVED)]
    workload = deployment().replace("  replicas: 3\n", "")
    assert [code for _, code, _, _ in notes(workload + HPA, "")] == ["object-removed", "object-removed"]


SERVICE = """---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: %s}
  ports: [{name: http, port: 80, targetPort: 8080}%s]
"""
ORPHANED = "the Service has no endpoints and its clients get connection refused"


def test_a_service_selector_that_matches_no_pod() -> None:
    assert notes(deployment() + SERVICE % ("web", ""), deployment() + SERVICE % ("webb", "")) == [
        ("Service web", "service-selector-orphaned", "spec.selector", f"selector app=webb matches no pod: {ORPHANED}")
    ]


def test_pods_relabelled_away_from_an_unchanged_service() -> None:
    # a Deployment may change its template labels (they must still match its selector: tier is added)
    old = deployment().replace("{labels: {app: web}}", "{labels: {app: web, tier: api}}") + SERVICE % ("web", "")
    new = old.replace("{labels: {app: web, tier: api}}", "{labels: {app: web2, tier: api}}").replace(
        "selector: {matchLabels: {app: web}}", "selector: {matchLabels: {tier: api}}"
    )
    found = [note for note in notes(old, new) if note[1] == "service-selector-orphaned"]
    assert found == [
        (
            "Deployment web",
            "service-selector-orphaned",
            "spec.template.metadata.labels",
            "Service shop/web selects app=web, which no pod carries any more: it has no endpoints and its "
            "clients get connection refused",
        )
    ]


def test_a_service_selector_that_still_matches_or_never_matched_here_is_no_note() -> None:
    other = "---\n" + deployment(label="web2").replace("name: web,", "name: api,").replace(
        "{matchLabels: {app: web}}", "{matchLabels: {app: web2}}"
    )
    assert notes(deployment() + other + SERVICE % ("web", ""), deployment() + other + SERVICE % ("web2", "")) == []
    # no workload of these manifests had its pods: they come from elsewhere
    assert notes(SERVICE % ("web", ""), SERVICE % ("api", "")) == []


INGRESS = """---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: %s}}}
"""
ROUTE = """---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: edge}
spec:
  rules:
  - backendRefs: [{name: web, namespace: shop, port: 443}]
"""


@pytest.mark.parametrize(
    "route, by",
    [(INGRESS % "{number: 443}", "Ingress shop/web"), (INGRESS % "{name: https}", "Ingress shop/web"), (ROUTE, "HTTPRoute edge/web")],
)
def test_a_service_port_removed_while_a_route_uses_it(route: str, by: str) -> None:
    old = deployment() + SERVICE % ("web", ", {name: https, port: 443}") + route
    new = deployment() + SERVICE % ("web", "") + route
    assert notes(old, new) == [
        ("Service web", "service-port-removed", "spec.ports[https]", f"port 443 (https) removed while {by} routes to it: those requests fail")
    ]


def test_a_service_port_nothing_routes_to_removed_is_no_note() -> None:
    route = INGRESS % "{number: 80}"
    old = deployment() + SERVICE % ("web", ", {name: https, port: 443}") + route
    assert notes(old, deployment() + SERVICE % ("web", "") + route) == []


def test_a_service_removed_while_an_ingress_routes_to_it() -> None:
    route = INGRESS % "{number: 80}"
    assert notes(deployment() + SERVICE % ("web", "") + route, deployment() + route) == [
        ("Service web", *REMOVED),
        ("Service web", "service-port-removed", "", "Service removed while Ingress shop/web route to it: those requests fail"),
    ]


@pytest.mark.parametrize(
    "old, new, path, reason",
    [
        (
            "",
            "  strategy: {type: Recreate}\n",
            "spec.strategy.type",
            "strategy Recreate: a rollout stops all 4 pods before starting new ones; nothing serves until they are ready",
        ),
        (
            "",
            "  strategy: {rollingUpdate: {maxUnavailable: 50%}}\n",
            "spec.strategy.rollingUpdate.maxUnavailable",
            "maxUnavailable 50%: a rollout takes up to 2 of 4 pods out of service at once (was 1)",
        ),
        (
            "  strategy: {rollingUpdate: {maxUnavailable: 0}}\n",
            "",
            "spec.strategy.rollingUpdate.maxUnavailable",
            "maxUnavailable 25% (the default): a rollout takes up to 1 of 4 pods out of service at once (was 0)",
        ),
        (
            # both percentages come to 0 of 4: the controller takes one pod down
            "  strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n",
            "  strategy: {rollingUpdate: {maxUnavailable: 10%, maxSurge: 0}}\n",
            "spec.strategy.rollingUpdate.maxUnavailable",
            "maxUnavailable 10%: a rollout takes up to 1 of 4 pods out of service at once (was 0)",
        ),
    ],
)
def test_a_strategy_that_takes_more_pods_down(old: str, new: str, path: str, reason: str) -> None:
    assert notes(deployment(4, spec=old), deployment(4, spec=new)) == [("Deployment web", "rollout-capacity-loss", path, reason)]


@pytest.mark.parametrize(
    "old, new",
    [
        ("  strategy: {type: Recreate}\n", ""),
        ("  strategy: {rollingUpdate: {maxUnavailable: 50%}}\n", ""),
        ("", "  strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n"),
        ("", "  strategy: {rollingUpdate: {maxUnavailable: 1}}\n"),  # the default's 1 of 4, written out
    ],
)
def test_a_strategy_that_keeps_or_raises_capacity_is_no_note(old: str, new: str) -> None:
    assert notes(deployment(4, spec=old), deployment(4, spec=new)) == []


def test_scaling_alone_is_no_capacity_note() -> None:
    assert [code for _, code, _, _ in notes(deployment(4), deployment(8))] == []
