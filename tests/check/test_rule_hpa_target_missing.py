"""hpa-target-missing and the index behind every HPA rule: targets matched by group, kind and name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import ROLLOUT, check, deployment, loc, of


def hpa(ref: str, name: str = "web") -> str:
    return f"""
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
spec:
  scaleTargetRef: {ref}
  minReplicas: 2
  maxReplicas: 6
"""


def findings(tmp_path: Path, text: str, *rules: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule in rules]


DEPLOYMENT = deployment(extra_spec="\n  replicas: 3")


def test_a_rollout_autoscaler_is_not_tied_to_the_deployment_of_the_same_name(tmp_path: Path) -> None:
    text = DEPLOYMENT + hpa("{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}")
    assert findings(tmp_path, text, "hpa-target-missing", "hpa-replicas-conflict") == [
        ("hpa-target-missing", *loc(text, "name: web}"), "warning",
         "scale target Rollout/web (API group argoproj.io) is not among the checked objects in namespace default"),
    ]
    assert findings(tmp_path, text, "pdb-missing")  # the Deployment is not autoscaled: it needs a budget


@pytest.mark.parametrize("version", ["apps/v1", "apps/v1beta2"])
def test_the_version_of_the_target_does_not_matter(tmp_path: Path, version: str) -> None:
    text = DEPLOYMENT + hpa(f"{{apiVersion: {version}, kind: Deployment, name: web}}")
    got = findings(tmp_path, text, "hpa-target-missing", "hpa-replicas-conflict")
    assert [(rule, line) for rule, line, *_ in got] == [("hpa-replicas-conflict", loc(text, "replicas: 3")[0])]


def test_no_api_version_means_the_core_group(tmp_path: Path) -> None:
    text = DEPLOYMENT + hpa("{kind: Deployment, name: web}")
    assert findings(tmp_path, text, "hpa-target-missing", "hpa-replicas-conflict") == [
        ("hpa-target-missing", *loc(text, "scaleTargetRef"), "warning",
         "scaleTargetRef has no apiVersion, so the autoscaler looks for Deployment/web in the core API group "
         "and finds nothing to scale; set apiVersion (for example apps/v1)"),
    ]


@pytest.mark.parametrize(
    "ref",
    [
        "{apiVersion: apps/v1, kind: [Deployment], name: web}",
        "{apiVersion: apps/v1, kind: Deployment, name: {a: 1}}",
        "{apiVersion: [apps/v1], kind: Deployment, name: web}",
        "[web]",
    ],
)
def test_wrong_types_in_the_reference_are_schema_problems_not_crashes(tmp_path: Path, ref: str) -> None:
    text = DEPLOYMENT + hpa(ref) + hpa("{apiVersion: apps/v1, kind: Deployment, name: web}", "good")
    result = check(tmp_path, text)
    assert any(f.rule == "schema-invalid" for f in result.findings)
    assert [f.object.name for f in result.findings if f.rule == "hpa-replicas-conflict"] == ["web"]
    assert [f for f in result.findings if f.rule == "hpa-target-missing"] == []  # no target to look for


def test_hpa_target_may_be_a_custom_resource(tmp_path: Path) -> None:
    text = ROLLOUT + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: canary
spec:
  scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: canary}
  minReplicas: 2
  maxReplicas: 6
"""
    assert of(check(tmp_path, text), "hpa-target-missing") == []
