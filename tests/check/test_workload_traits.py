"""Workload traits: a kind declared in .kgen.yaml is a workload like the built-ins, for every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.check.engine import CheckOptions, run_check
from kgen.check.policy import load_policy_file
from kgen.errors import ConfigError

ROLLOUT_CONFIG = """\
workloads:
  - kind: Rollout
    apiVersion: argoproj.io/v1alpha1
    podSpecPath: spec.template.spec
    replicasPath: spec.replicas
    selectorPath: spec.selector
"""

ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {{name: web, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.2.3
"""


def run(tmp_path: Path, manifest: str, config: str | None = ROLLOUT_CONFIG) -> list[tuple[str, int, int, str]]:
    path = tmp_path / "m.yaml"
    path.write_text(manifest, encoding="utf-8")
    config_path = None
    if config is not None:
        config_path = tmp_path / ".kgen.yaml"
        config_path.write_text(config, encoding="utf-8")
    result = run_check(CheckOptions(paths=(str(path),), config_path=config_path, discover_config=False))
    wanted = ("pdb-missing", "replicas-single", "hpa-replicas-conflict", "hpa-target-missing")
    return [(f.rule, f.line, f.column, f.severity) for f in result.findings if f.rule in wanted]


def test_a_declared_rollout_without_a_pdb_is_reported_like_a_deployment(tmp_path: Path) -> None:
    assert run(tmp_path, ROLLOUT.format(replicas=5)) == [("pdb-missing", 9, 7, "warning")]


def test_a_declared_rollout_with_one_replica(tmp_path: Path) -> None:
    assert run(tmp_path, ROLLOUT.format(replicas=1)) == [("replicas-single", 5, 3, "warning")]


def test_a_pdb_selecting_the_rollouts_pods_satisfies_it(tmp_path: Path) -> None:
    pdb = (
        "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\n"
        "spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}\n"
    )
    assert run(tmp_path, ROLLOUT.format(replicas=5) + pdb) == []


def test_an_hpa_targeting_the_rollout_finds_it_and_sees_the_conflict(tmp_path: Path) -> None:
    hpa = (
        "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\n"
        "spec:\n  scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}\n"
        "  minReplicas: 2\n  maxReplicas: 5\n"
        "  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]\n"
    )
    got = run(tmp_path, ROLLOUT.format(replicas=5) + hpa)
    assert got == [("hpa-replicas-conflict", 5, 3, "warning"), ("pdb-missing", 9, 7, "warning")]


def test_without_the_declaration_the_rollout_is_an_unknown_kind(tmp_path: Path) -> None:
    assert run(tmp_path, ROLLOUT.format(replicas=5), config=None) == []


def test_a_kind_declared_without_replicas_has_no_replica_rules(tmp_path: Path) -> None:
    knative = ROLLOUT.format(replicas=1).replace("argoproj.io/v1alpha1", "serving.knative.dev/v1").replace(
        "kind: Rollout", "kind: Service"
    )
    config = "workloads:\n  - {kind: Service, apiVersion: serving.knative.dev/v1, podSpecPath: spec.template.spec}\n"
    assert run(tmp_path, knative, config) == []


def test_an_object_policy_must_name_kinds_or_traits(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "id: team-label\nseverity: warning\ntitle: T\ndescription: d\nrationale: r\nremediation: Add it.\n"
        "target: Object\nmessage: m\nschema: {required: [metadata]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_policy_file(policy)
    assert raised.value.message == (
        "an Object policy names what it looks at: kinds (['*'] for every kind) or workloads (traits)"
    )
    assert raised.value.location is not None and (raised.value.location.line, raised.value.location.column) == (7, 1)


# ---- findings point where the declared kind keeps its pod labels and replica count --------------

POOL_CONFIG = """\
workloads:
  - kind: Pool
    apiVersion: example.com/v1
    podSpecPath: spec.workers.template.spec
    replicasPath: spec.workers.count
    selectorPath: spec.workers.selector
"""

POOL = """\
apiVersion: example.com/v1
kind: Pool
metadata: {{name: web, namespace: shop}}
spec:
  workers:{count}
    selector: {{matchLabels: {{app: web}}}}
    template:
      metadata:
        labels: {{app: web}}
      spec:
        containers:
          - name: web
            image: ghcr.io/acme/web:1.2.3
"""

POOL_HPA = (
    "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\n"
    "spec:\n  scaleTargetRef: {apiVersion: example.com/v1, kind: Pool, name: web}\n"
    "  minReplicas: 2\n  maxReplicas: 5\n"
)


def messages(tmp_path: Path, manifest: str, config: str) -> list[tuple[str, int, int, str]]:
    path = tmp_path / "m.yaml"
    path.write_text(manifest, encoding="utf-8")
    config_path = tmp_path / ".kgen.yaml"
    config_path.write_text(config, encoding="utf-8")
    result = run_check(CheckOptions(paths=(str(path),), config_path=config_path, discover_config=False))
    wanted = ("pdb-missing", "replicas-single", "hpa-replicas-conflict")
    return [(f.rule, f.line, f.column, f.message) for f in result.findings if f.rule in wanted]


def test_pdb_missing_points_at_the_declared_kinds_pod_labels(tmp_path: Path) -> None:
    assert messages(tmp_path, POOL.format(count="\n    count: 4"), POOL_CONFIG) == [
        (
            "pdb-missing", 10, 9,
            "Pool runs 4 replicas but no PodDisruptionBudget selects its pods in namespace shop; "
            "a node drain may evict all of them at once",
        )
    ]


def test_replicas_single_names_the_declared_kinds_replica_field(tmp_path: Path) -> None:
    # unset: the finding sits at the nearest field there is (spec.workers) and names the one that is missing
    assert messages(tmp_path, POOL.format(count=""), POOL_CONFIG) == [
        (
            "replicas-single", 5, 3,
            "Pool runs 1 (the default, as spec.workers.count is not set) replica and has no autoscaler; "
            "every rollout, crash or node drain is downtime",
        )
    ]
    assert messages(tmp_path, POOL.format(count="\n    count: 1"), POOL_CONFIG) == [
        (
            "replicas-single", 6, 5,
            "Pool runs 1 replica and has no autoscaler; every rollout, crash or node drain is downtime",
        )
    ]


def test_hpa_replicas_conflict_names_the_declared_kinds_replica_field(tmp_path: Path) -> None:
    assert messages(tmp_path, POOL.format(count="\n    count: 3") + POOL_HPA, POOL_CONFIG) == [
        (
            "hpa-replicas-conflict", 6, 5,
            "spec.workers.count is 3 while HorizontalPodAutoscaler/web manages this workload; every apply "
            "resets the replica count the autoscaler chose",
        ),
        (
            "pdb-missing", 10, 9,
            "Pool is autoscaled but no PodDisruptionBudget selects its pods in namespace shop; "
            "a node drain may evict all of them at once",
        ),
    ]


def test_places_are_located_while_the_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """crossObject.reports <labels> and <replicas> resolve per kind, so no document is read twice."""
    import kgen.check.engine as engine

    def reread(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cross-object finding was not located from the positions taken at read time")

    monkeypatch.setattr(engine, "load_document_at", reread)
    assert [m[:3] for m in messages(tmp_path, POOL.format(count="\n    count: 3") + POOL_HPA, POOL_CONFIG)] == [
        ("hpa-replicas-conflict", 6, 5),
        ("pdb-missing", 10, 9),
    ]
    assert [m[:3] for m in messages(tmp_path, ROLLOUT.format(replicas=5), ROLLOUT_CONFIG)] == [("pdb-missing", 9, 7)]


@pytest.mark.parametrize("report", ["<lables>", "spec.<labels>", "<labels"])
def test_a_reported_path_names_only_known_places(tmp_path: Path, report: str) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "id: team-pdb\nseverity: warning\ntitle: T\ndescription: d\nrationale: r\nremediation: Add it.\n"
        f"target: Object\nworkloads: [replicated]\nlogic: pdb_missing\ncrossObject:\n  reports:\n    - '{report}'\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_policy_file(policy)
    assert raised.value.message == (
        f"'{report}': a path can start at one of the places <podSpec>, <template>, <labels>, <replicas>, "
        "<selector> (where the workload's kind keeps it), and nowhere else"
    )
    assert raised.value.location is not None and (raised.value.location.line, raised.value.location.column) == (12, 7)
