"""Risk notes for workload kinds declared in .kgen.yaml: an Argo Rollout gets a Deployment's notes,
at the paths its declaration names; without the declaration it is an unknown kind and gets none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from diff_support import diff_yaml
from kgen.cli import cli
from kgen.diff.api import DiffOptions, diff_texts
from kgen.diff.result import DiffResult
from kgen.model.k8s import WorkloadKind

ROLLOUT_KIND = WorkloadKind(
    kind="Rollout",
    api_group="argoproj.io",
    pod_spec_path=("spec", "template", "spec"),
    replicas_path=("spec", "replicas"),
    selector_path=("spec", "selector"),
)

#: A kind whose pod template, replicas and selector live elsewhere than a Deployment's.
NESTED_KIND = WorkloadKind(
    kind="Pool",
    api_group="example.com",
    pod_spec_path=("spec", "workers", "template", "spec"),
    replicas_path=("spec", "workers", "count"),
    selector_path=("spec", "workers", "selector"),
)

ROLLOUT_CONFIG = """\
workloads:
  - kind: Rollout
    apiVersion: argoproj.io/v1alpha1
    podSpecPath: spec.template.spec
    replicasPath: spec.replicas
    selectorPath: spec.selector
"""


def workload(kind: str = "Rollout", api_version: str = "argoproj.io/v1alpha1", replicas: str = "3",
             memory: str = "1Gi", labels: str = "{app: web}", probe: str = "") -> str:
    return f"""\
apiVersion: {api_version}
kind: {kind}
metadata: {{name: web, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {labels}}}
  template:
    metadata: {{labels: {labels}}}
    spec:
      containers:
        - name: web
          image: shop/web:1.0
          resources: {{limits: {{memory: {memory}}}}}
{probe}"""


def pool(count: str = "3", memory: str = "1Gi", labels: str = "{app: web}") -> str:
    return f"""\
apiVersion: example.com/v1
kind: Pool
metadata: {{name: web, namespace: shop}}
spec:
  workers:
    count: {count}
    selector: {{matchLabels: {labels}}}
    template:
      metadata: {{labels: {labels}}}
      spec:
        containers:
          - name: web
            image: shop/web:1.0
            resources: {{limits: {{memory: {memory}}}}}
"""


def diff_declared(old: str, new: str, *kinds: WorkloadKind) -> DiffResult:
    return diff_texts({"old.yaml": old}, {"new.yaml": new}, DiffOptions(workloads=kinds))


def notes(result: DiffResult) -> list[tuple[str, str, str]]:
    return [(risk.code, risk.path_text, risk.reason) for obj in result.objects for risk in obj.risks]


MEMORY_NOTE = (
    "memory-limit-lowered",
    "spec.template.spec.containers[web].resources.limits.memory",
    "container web: memory limit lowered 1Gi → 512Mi; the container is OOM-killed when it uses more",
)


def test_a_declared_rollouts_memory_cut_gets_the_note_a_deployment_gets() -> None:
    old, new = workload(), workload(memory="512Mi")
    assert notes(diff_declared(old, new, ROLLOUT_KIND)) == [MEMORY_NOTE]
    deployment = notes(diff_yaml(workload("Deployment", "apps/v1"), workload("Deployment", "apps/v1", memory="512Mi")))
    assert deployment == [MEMORY_NOTE]


def test_a_declared_rollout_scaled_to_one() -> None:
    assert notes(diff_declared(workload(), workload(replicas="1"), ROLLOUT_KIND)) == [
        (
            "replicas-to-one",
            "spec.replicas",
            "replicas 3 → 1: a single pod serves, so every rollout, eviction or node failure interrupts it",
        )
    ]


def test_a_declared_rollouts_replicas_removed_mean_one() -> None:
    new = workload().replace("  replicas: 3\n", "")
    assert notes(diff_declared(workload(), new, ROLLOUT_KIND)) == [
        (
            "replicas-to-one",
            "spec.replicas",
            "replicas 3 → 1 (unset means 1): a single pod serves, so every rollout, eviction or node failure "
            "interrupts it",
        )
    ]


def test_a_declared_rollouts_selector_change() -> None:
    old, new = workload(), workload(labels="{app: web, track: stable}")
    assert notes(diff_declared(old, new, ROLLOUT_KIND)) == [
        (
            "selector-changed",
            "spec.selector",
            "spec.selector changed on a Rollout: the pods the old selector chose are no longer its own and "
            "are left running, not replaced (or the apply is rejected, where the kind makes its selector "
            "immutable as a Deployment does)",
        )
    ]


def test_a_deployments_selector_change_stays_an_immutable_field() -> None:
    old = workload("Deployment", "apps/v1")
    new = workload("Deployment", "apps/v1", labels="{app: web, track: stable}")
    assert notes(diff_declared(old, new, ROLLOUT_KIND)) == [
        (
            "immutable-field",
            "spec.selector",
            "spec.selector is immutable: the apply is rejected; delete and recreate the Deployment (its pods are replaced)",
        )
    ]


def test_a_declared_rollouts_stricter_probe_and_new_mutable_image() -> None:
    probe = "          livenessProbe: {httpGet: {path: /health, port: 8080}%s}\n"
    old = workload(probe=probe % "")
    new = workload(probe=probe % ", periodSeconds: 5").replace("shop/web:1.0", "shop/web:latest")
    assert notes(diff_declared(old, new, ROLLOUT_KIND)) == [
        (
            "probe-stricter",
            "spec.template.spec.containers[web].livenessProbe",
            "container web: livenessProbe stricter: failure window 30s → 15s (failureThreshold × periodSeconds); "
            "slow responses fail it sooner, and then Kubernetes restarts the container",
        ),
        (
            "mutable-image-tag",
            "spec.template.spec.containers[web].image",
            "container web: image shop/web:latest uses the mutable tag latest; what runs can change without a "
            "manifest change (pin a version or a digest)",
        ),
    ]


def test_without_the_declaration_a_rollout_gets_no_workload_notes() -> None:
    old, new = workload(), workload(replicas="1", memory="512Mi", labels="{app: web, track: stable}")
    result = diff_declared(old, new)
    assert len(result.objects) == 1 and result.objects[0].changes  # it changed, and says so
    assert notes(result) == []


def test_a_declaration_for_another_group_does_not_apply() -> None:
    other = WorkloadKind("Rollout", ("spec", "template", "spec"), "example.com", ("spec", "replicas"), ("spec", "selector"))
    assert notes(diff_declared(workload(), workload(replicas="1", memory="512Mi"), other)) == []


def test_notes_follow_the_paths_the_declaration_names() -> None:
    old, new = pool(), pool(count="1", memory="512Mi", labels="{app: web2}")
    assert notes(diff_declared(old, new, NESTED_KIND)) == [
        (
            "selector-changed",
            "spec.workers.selector",
            "spec.workers.selector changed on a Pool: the pods the old selector chose are no longer its own and "
            "are left running, not replaced (or the apply is rejected, where the kind makes its selector "
            "immutable as a Deployment does)",
        ),
        (
            "replicas-to-one",
            "spec.workers.count",
            "replicas 3 → 1: a single pod serves, so every rollout, eviction or node failure interrupts it",
        ),
        (
            "memory-limit-lowered",
            "spec.workers.template.spec.containers[web].resources.limits.memory",
            "container web: memory limit lowered 1Gi → 512Mi; the container is OOM-killed when it uses more",
        ),
    ]


# --- the command reads .kgen.yaml as kgen check does ---------------------------------


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(workload(), encoding="utf-8")
    new.write_text(workload(memory="512Mi"), encoding="utf-8")
    return old, new


def codes(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["diff", "--format", "json", *args], catch_exceptions=False)
    if result.exit_code == 2:
        return 2, [result.output]
    return result.exit_code, [risk["code"] for obj in json.loads(result.output)["objects"] for risk in obj["risks"]]


def test_the_config_is_found_from_the_working_folder_upwards(
    sides: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".kgen.yaml").write_text(ROLLOUT_CONFIG, encoding="utf-8")
    below = tmp_path / "deploy" / "shop"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    old, new = sides
    assert codes(str(old), str(new)) == (1, ["memory-limit-lowered"])
    assert codes(str(old), str(new), "--no-config") == (1, [])


def test_an_explicit_config(sides: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "team.yaml"
    config.write_text(ROLLOUT_CONFIG, encoding="utf-8")
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    monkeypatch.chdir(empty)
    old, new = sides
    assert codes(str(old), str(new)) == (1, [])
    assert codes(str(old), str(new), "--config", str(config)) == (1, ["memory-limit-lowered"])
    assert codes(str(old), str(new), "--config", str(config), "--exit-code", "risks") == (1, ["memory-limit-lowered"])


def test_a_broken_config_is_exit_2_naming_file_and_field(
    sides: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".kgen.yaml").write_text("workloads:\n  - kind: Rollout\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    old, new = sides
    code, output = codes(str(old), str(new))
    assert code == 2
    assert output[0].startswith("kgen: .kgen.yaml:2:5: ")
    assert "podSpecPath" in output[0]
    assert "Traceback" not in output[0]
