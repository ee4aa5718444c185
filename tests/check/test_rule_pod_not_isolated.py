"""pod-not-isolated: Ingress and Egress judged apart, policyTypes defaulted as the API server does."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, deployment, loc, of, write

from kgen.check.engine import CheckOptions, run_check

RULE = "pod-not-isolated"


def policy(spec: str, namespace: str = "default") -> str:
    return f"""
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: p, namespace: {namespace}}}
spec:{spec}
"""


def directions(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    return [
        (f.line, f.column, f.severity, "Egress" if "for Egress" in f.message else "Ingress")
        for f in of(check(tmp_path, text), RULE)
    ]


def test_a_policy_without_egress_rules_isolates_ingress_only(tmp_path: Path) -> None:
    text = deployment() + policy("\n  podSelector: {matchLabels: {app: web}}")
    found = of(check(tmp_path, text), RULE)
    assert [(f.line, f.column, f.severity, f.message) for f in found] == [
        (*loc(text, "labels: {app: web}"), "info",
         "no NetworkPolicy of namespace default selects the pods of Deployment web for Egress, so they may open "
         "connections to anything"),
    ]


def test_egress_rules_add_egress_to_the_defaulted_policy_types(tmp_path: Path) -> None:
    text = deployment() + policy("\n  podSelector: {matchLabels: {app: web}}\n  egress: [{}]")
    assert directions(tmp_path, text) == []


def test_explicit_policy_types_win_over_the_rules(tmp_path: Path) -> None:
    text = deployment() + policy("\n  podSelector: {}\n  policyTypes: [Egress]\n  ingress: [{}]")
    assert directions(tmp_path, text) == [(*loc(text, "labels: {app: web}"), "info", "Ingress")]


def test_a_namespace_without_policies_is_judged_only_when_the_set_is_complete(tmp_path: Path) -> None:
    text = deployment() + policy("\n  podSelector: {}", namespace="other")
    assert directions(tmp_path, text) == []
    path = write(tmp_path, text, "all.yaml")
    config = write(tmp_path, "complete: true\n", ".kgen.yaml")
    result = run_check(CheckOptions(paths=(str(path),), config_path=config, discover_config=False))
    assert sorted(f.message.split(" for ")[1].split(",")[0] for f in of(result, RULE)) == ["Egress", "Ingress"]


def test_host_network_pods_are_not_judged(tmp_path: Path) -> None:
    text = deployment(extra_spec="").replace("    spec:\n      containers", "    spec:\n      hostNetwork: true\n      containers")
    assert directions(tmp_path, text + policy("\n  podSelector: {matchLabels: {app: db}}")) == []
