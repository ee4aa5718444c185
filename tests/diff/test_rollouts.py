"""Every pod-template change says what it does to the pods: how many, and whether the strategy in force
keeps capacity (as the controllers compute it: percentages of replicas, fenceposts, partitions)."""

from __future__ import annotations

import json

import pytest

from diff_support import diff_yaml
from kgen.diff.api import DiffOptions, diff_texts, format_json, format_markdown, format_text
from kgen.diff.result import DiffResult
from kgen.model.k8s import WorkloadKind


def workload(kind: str = "Deployment", api: str = "apps/v1", spec: str = "", image: str = "1.0") -> str:
    return f"""\
apiVersion: {api}
kind: {kind}
metadata: {{name: web, namespace: shop}}
spec:
{spec}  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: "shop/web:{image}"}}]
"""


def rollouts(result: DiffResult) -> list[tuple[str, str]]:
    return [(obj.rollout.capacity, obj.rollout.text) for obj in result.objects if obj.rollout is not None]


def image_bump(kind: str, api: str, spec: str) -> list[tuple[str, str]]:
    return rollouts(diff_yaml(workload(kind, api, spec), workload(kind, api, spec, image="2.0")))


DEFAULTS_3 = "RollingUpdate maxUnavailable 25% (0 pods), maxSurge 25% (1 pod)"
KEPT = "capacity kept, new pods start before old ones stop"
ONE_BY_ONE = "RollingUpdate one pod at a time, highest ordinal first, each pod stopped before its replacement starts"


@pytest.mark.parametrize(
    "kind, api, spec, capacity, text",
    [
        # 25% of 3 rounds down to 0 unavailable and up to 1 surge: the default keeps capacity at 3
        ("Deployment", "apps/v1", "  replicas: 3\n", "kept", f"rolls the pods of Deployment web: 3 replicas; {DEFAULTS_3}: {KEPT}"),
        (
            "Deployment", "apps/v1", "  replicas: 4\n", "reduced",
            "rolls the pods of Deployment web: 4 replicas; RollingUpdate maxUnavailable 25% (1 pod), "
            "maxSurge 25% (1 pod): up to 1 of 4 pods down at a time",
        ),
        (
            "Deployment", "apps/v1", "  replicas: 10\n  strategy: {rollingUpdate: {maxUnavailable: 35%}}\n", "reduced",
            "rolls the pods of Deployment web: 10 replicas; RollingUpdate maxUnavailable 35% (3 pods), "
            "maxSurge 25% (3 pods): up to 3 of 10 pods down at a time",
        ),
        ("Deployment", "apps/v1", "", "kept", f"rolls the pods of Deployment web: 1 replica; RollingUpdate maxUnavailable 25% (0 pods), maxSurge 25% (1 pod): {KEPT}"),
        (
            "Deployment", "apps/v1", "  replicas: 3\n  strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n", "kept",
            f"rolls the pods of Deployment web: 3 replicas; RollingUpdate maxUnavailable 0, maxSurge 1: {KEPT}",
        ),
        (
            "Deployment", "apps/v1", "  replicas: 3\n  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}\n",
            "reduced",
            "rolls the pods of Deployment web: 3 replicas; RollingUpdate maxUnavailable 2, maxSurge 25% (1 pod): "
            "up to 2 of 3 pods down at a time",
        ),
        # both come to 0: the controller lets one pod be unavailable
        (
            "Deployment", "apps/v1", "  replicas: 3\n  strategy: {rollingUpdate: {maxUnavailable: 0%, maxSurge: 0%}}\n",
            "reduced",
            "rolls the pods of Deployment web: 3 replicas; RollingUpdate maxUnavailable 0% (0 pods), maxSurge 0% (0 pods): "
            "up to 1 of 3 pods down at a time",
        ),
        (
            "Deployment", "apps/v1", "  replicas: 3\n  strategy: {type: Recreate}\n", "lost",
            "rolls the pods of Deployment web: 3 replicas; Recreate: all 3 pods stop before the new ones start",
        ),
        (
            "Deployment", "apps/v1", "  replicas: 3\n  paused: true\n", "deferred",
            "does not roll the pods of Deployment web: 3 replicas; paused: nothing rolls until it is resumed",
        ),
        (
            "Deployment", "apps/v1", "  replicas: 0\n", "kept",
            "rolls the pods of Deployment web: 0 replicas; RollingUpdate maxUnavailable 25% (0 pods), "
            "maxSurge 25% (0 pods): no pods run",
        ),
        (
            "Deployment", "apps/v1", "  replicas: 3\n  strategy: {rollingUpdate: {maxUnavailable: lots}}\n", "unknown",
            "rolls the pods of Deployment web: 3 replicas; RollingUpdate maxUnavailable lots, maxSurge 25% (1 pod): "
            "not a number or a percentage",
        ),
        ("StatefulSet", "apps/v1", "  replicas: 3\n", "reduced", f"rolls the pods of StatefulSet web: 3 replicas; {ONE_BY_ONE}: 1 of 3 pods down at a time"),
        (
            "StatefulSet", "apps/v1", "  replicas: 3\n  updateStrategy: {rollingUpdate: {partition: 2}}\n", "reduced",
            "rolls the pods of StatefulSet web: 3 replicas; RollingUpdate partition 2: only ordinals ≥ 2 roll, "
            "one pod at a time: 1 of 3 pods down at a time",
        ),
        (
            "StatefulSet", "apps/v1", "  replicas: 3\n  updateStrategy: {rollingUpdate: {partition: 3}}\n", "deferred",
            "does not roll the pods of StatefulSet web: 3 replicas; RollingUpdate partition 3: only ordinals ≥ 3 roll, "
            "one pod at a time: no pod rolls (3 replicas)",
        ),
        (
            "StatefulSet", "apps/v1", "  replicas: 4\n  updateStrategy: {rollingUpdate: {maxUnavailable: 50%}}\n", "reduced",
            "rolls the pods of StatefulSet web: 4 replicas; RollingUpdate maxUnavailable 50% at a time (one, without the "
            "MaxUnavailableStatefulSet feature gate), highest ordinal first, each pod stopped before its replacement "
            "starts: 2 of 4 pods down at a time",
        ),
        (
            "StatefulSet", "apps/v1", "  replicas: 3\n  updateStrategy: {type: OnDelete}\n", "deferred",
            "does not roll the pods of StatefulSet web: 3 replicas; OnDelete: nothing rolls until its pods are deleted",
        ),
        (
            "DaemonSet", "apps/v1", "", "reduced",
            "rolls the pods of DaemonSet web: one pod per node; RollingUpdate maxUnavailable 1, maxSurge 0: "
            "the pods of up to 1 node down at a time",
        ),
        (
            "DaemonSet", "apps/v1", "  updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n", "kept",
            "rolls the pods of DaemonSet web: one pod per node; RollingUpdate maxUnavailable 0, maxSurge 1: "
            "capacity kept, each node's new pod starts before its old one stops",
        ),
        (
            "DaemonSet", "apps/v1", "  updateStrategy: {rollingUpdate: {maxUnavailable: 10%}}\n", "reduced",
            "rolls the pods of DaemonSet web: one pod per node; RollingUpdate maxUnavailable 10%, maxSurge 0: "
            "the pods of up to 10% of the nodes (rounded up) down at a time",
        ),
        (
            "DaemonSet", "apps/v1", "  updateStrategy: {type: OnDelete}\n", "deferred",
            "does not roll the pods of DaemonSet web: one pod per node; OnDelete: nothing rolls until its pods are deleted",
        ),
        (
            "ReplicaSet", "apps/v1", "  replicas: 2\n", "deferred",
            "does not roll the pods of ReplicaSet web: 2 replicas; a ReplicaSet does not replace running pods: they keep "
            "the old template, and only pods it creates later (after a deletion, or scaling up) use the new one",
        ),
    ],
)
def test_each_strategy(kind: str, api: str, spec: str, capacity: str, text: str) -> None:
    assert image_bump(kind, api, spec) == [(capacity, text)]


def test_a_job_template_is_immutable_so_nothing_rolls() -> None:
    # the apply is rejected (immutable-field says so); no rollout is claimed
    assert image_bump("Job", "batch/v1", "") == []


def test_a_cronjob_changes_its_next_jobs() -> None:
    old = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: "shop/job:1.0"}]
"""
    assert rollouts(diff_yaml(old, old.replace("1.0", "2.0"))) == [
        (
            "deferred",
            "does not roll the pods of CronJob nightly: the Jobs it starts from now on use the new template; "
            "a running one keeps the old",
        )
    ]


HPA = """\
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 5}
"""


def test_an_hpa_of_the_new_tree_manages_the_replicas() -> None:
    old = workload(spec="  replicas: 3\n") + HPA
    result = diff_yaml(old, workload(spec="  replicas: 3\n", image="2.0") + HPA)
    assert rollouts(result) == [
        (
            "reduced",
            "rolls the pods of Deployment web: HPA-managed; RollingUpdate maxUnavailable 25%, maxSurge 25%: "
            "up to 25% of its pods (rounded down) down at a time",
        )
    ]
    assert result.objects[0].rollout is not None and result.objects[0].rollout.replicas is None


def test_an_hpa_only_on_the_old_side_does_not_count() -> None:
    result = diff_yaml(workload(spec="  replicas: 3\n") + HPA, workload(spec="  replicas: 3\n", image="2.0"))
    assert [text for _, text in rollouts(result)] == [
        f"rolls the pods of Deployment web: 3 replicas; {DEFAULTS_3}: {KEPT}"
    ]


def test_an_hpa_in_another_namespace_does_not_count() -> None:
    other = HPA.replace("namespace: shop", "namespace: billing")
    result = diff_yaml(workload(spec="  replicas: 3\n") + other, workload(spec="  replicas: 3\n", image="2.0") + other)
    assert [capacity for capacity, _ in rollouts(result)] == ["kept"]


def test_hpa_managed_with_max_unavailable_zero_keeps_capacity() -> None:
    spec = "  strategy: {rollingUpdate: {maxUnavailable: 0}}\n"
    assert rollouts(diff_yaml(workload(spec=spec) + HPA, workload(spec=spec, image="2.0") + HPA)) == [
        (
            "kept",
            "rolls the pods of Deployment web: HPA-managed; RollingUpdate maxUnavailable 0, maxSurge 25%: "
            "capacity kept, new pods start before old ones stop",
        )
    ]


def test_a_declared_kind_rolls_under_its_own_strategy() -> None:
    kind = WorkloadKind("Rollout", ("spec", "template", "spec"), "argoproj.io", ("spec", "replicas"), ("spec", "selector"))
    old = workload("Rollout", "argoproj.io/v1alpha1", "  replicas: 5\n")
    new = workload("Rollout", "argoproj.io/v1alpha1", "  replicas: 5\n", image="2.0")
    result = diff_texts({"old.yaml": old}, {"new.yaml": new}, DiffOptions(workloads=(kind,)))
    assert rollouts(result) == [
        ("unknown", "rolls the pods of Rollout web: 5 replicas; its rollout strategy is the Rollout's own (not assessed)")
    ]


def test_a_declared_kind_nested_elsewhere_rolls_too() -> None:
    kind = WorkloadKind("Worker", ("spec", "pod", "template", "spec"), "example.com")
    old = """\
apiVersion: example.com/v1
kind: Worker
metadata: {name: queue}
spec: {pod: {template: {spec: {containers: [{name: q, image: "q:1"}]}}}}
"""
    result = diff_texts({"old.yaml": old}, {"new.yaml": old.replace("q:1", "q:2")}, DiffOptions(workloads=(kind,)))
    assert rollouts(result) == [
        ("unknown", "rolls the pods of Worker queue: replicas not a number; its rollout strategy is the Worker's own (not assessed)")
    ]


def test_no_rollout_when_the_template_did_not_change() -> None:
    result = diff_yaml(workload(spec="  replicas: 3\n"), workload(spec="  replicas: 5\n"))
    assert rollouts(result) == []
    assert "rolls" not in format_text(result)


def test_an_added_workload_does_not_roll() -> None:
    assert rollouts(diff_yaml("", workload())) == []


def test_the_strategy_of_the_new_side_is_in_force() -> None:
    old = workload(spec="  replicas: 3\n  strategy: {type: Recreate}\n")
    new = workload(spec="  replicas: 3\n  strategy: {rollingUpdate: {maxUnavailable: 0}}\n", image="2.0")
    assert [capacity for capacity, _ in rollouts(diff_yaml(old, new))] == ["kept"]


def test_text_markdown_and_json() -> None:
    result = diff_yaml(workload(spec="  replicas: 4\n"), workload(spec="  replicas: 4\n", image="2.0"))
    line = (
        "rolls the pods of Deployment web: 4 replicas; RollingUpdate maxUnavailable 25% (1 pod), "
        "maxSurge 25% (1 pod): up to 1 of 4 pods down at a time"
    )
    assert format_text(result) == (
        "~ apps/Deployment shop/web  (new.yaml:1)\n"
        f"  ↻ {line}\n"
        "  spec.template.spec.containers[web].image: shop/web:1.0 → shop/web:2.0\n"
        "\n"
        "1 changed, 0 added, 0 removed, 0 unchanged; 0 risk notes.\n"
    )
    assert f"- ↻ {line}\n" in format_markdown(result)
    obj = json.loads(format_json(result))["objects"][0]
    assert obj["rollout"] == {
        "workload": "Deployment web",
        "action": "rolls the pods of",
        "replicas": 4,
        "hpaManaged": False,
        "strategy": "RollingUpdate",
        "capacity": "reduced",
        "reason": line,
        "because": [],
        "explains": [],
    }
    assert [change["path"] for change in obj["changes"]] == ["spec.template.spec.containers[web].image"]
    assert obj["risks"] == []
