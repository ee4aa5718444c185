"""spread-missing: replicas need a spread constraint or a host anti-affinity that selects their own pods."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "spread-missing"
MESSAGE = (
    "{kind} {why} with neither topologySpreadConstraints nor a pod anti-affinity on kubernetes.io/hostname or "
    "topology.kubernetes.io/zone selecting its own pods; the scheduler's default spreading is only a preference, "
    "so replicas may share a node and fail together"
)


def workload(pod: str, replicas: str = "\n  replicas: 3", kind: str = "Deployment", namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"""
apiVersion: apps/v1
kind: {kind}
metadata:
  name: web{ns}
spec:{replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web, tier: front}}
    spec:
{pod}
      containers:
        - name: web
          image: nginx:1.27
"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_three_replicas_without_spreading_point_at_the_pod_spec(tmp_path: Path) -> None:
    text = workload("      hostname: web")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "spec:", 2), "info", MESSAGE.format(kind="Deployment", why="runs 3 replicas")),
    ]


SPREADS = {
    "spread on hostname": """      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
           labelSelector: {matchLabels: {app: web}}}""",
    "spread on zone by expression": """      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: {matchExpressions: [{key: tier, operator: Exists}]}""",
    "required anti-affinity": """      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}""",
    "preferred anti-affinity in its namespace": """      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 50
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector: {matchLabels: {app: web}}
                namespaces: [shop, default]""",
}


@pytest.mark.parametrize("pod", SPREADS.values(), ids=SPREADS.keys())
def test_what_spreads_its_own_pods(tmp_path: Path, pod: str) -> None:
    assert findings(tmp_path, workload(pod)) == []


NOT_SPREADING = {
    "spread selecting other pods": """      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
           labelSelector: {matchLabels: {app: api}}}""",
    "spread without a selector": """      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}""",
    "spread on a rack label": """      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: example.com/rack, whenUnsatisfiable: DoNotSchedule,
           labelSelector: {matchLabels: {app: web}}}""",
    "anti-affinity in other namespaces": """      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}, namespaces: [bar]}""",
    "pod affinity is not anti-affinity": """      affinity:
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}""",
}


@pytest.mark.parametrize("pod", NOT_SPREADING.values(), ids=NOT_SPREADING.keys())
def test_what_does_not_spread_its_own_pods(tmp_path: Path, pod: str) -> None:
    assert [f[0] for f in findings(tmp_path, workload(pod))] == [RULE]


def test_one_replica_and_daemonsets_are_never_reported(tmp_path: Path) -> None:
    assert findings(tmp_path, workload("      hostname: web", replicas="\n  replicas: 1")) == []
    assert findings(tmp_path, workload("      hostname: web", replicas="", kind="DaemonSet")) == []


def test_an_autoscaled_single_replica_is_reported(tmp_path: Path) -> None:
    text = workload("      hostname: web", replicas="") + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 4
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "spec:", 2), "info", MESSAGE.format(kind="Deployment", why="is autoscaled")),
    ]


def test_a_pod_template_without_labels_is_a_fragment_and_any_selector_counts(tmp_path: Path) -> None:
    text = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}
"""
    assert findings(tmp_path, text) == []
