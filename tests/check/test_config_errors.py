"""Configuration errors are the user's: real ``kgen`` processes, exact messages, positions, exit codes.

Every problem in ``.kgen.yaml`` or in a policy file is exit 2 with
``FILE:LINE:COL: FIELD: what is wrong`` (the type or the allowed values, and
the closest match), never a traceback or exit 3.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PYTHON = [sys.executable, "-m", "kgen"]

HPA = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.10
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 60
"""


def kgen(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``kgen ARGS`` in ``cwd``, as a user runs it (stdout and stderr are pipes)."""
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment.update(PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.run([*PYTHON, *args], capture_output=True, text=True, cwd=cwd, timeout=120, env=environment)


def project(tmp_path: Path, config: str | None, manifest: str = HPA) -> Path:
    (tmp_path / "app.yaml").write_text(manifest)
    if config is not None:
        (tmp_path / ".kgen.yaml").write_text(config)
    return tmp_path


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one message line of a run that could not start (exit 2, nothing on stdout)."""
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


# --- rule parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "rules:\n  hpa-max-replicas-high:\n    params: {max: fifty}\n",
            ".kgen.yaml:3:14: rules.hpa-max-replicas-high.params.max: expected an integer, at least 1, "
            "got the string 'fifty'",
        ),
        (
            "rules:\n  hpa-max-replicas-high:\n    params:\n      max: 0\n",
            ".kgen.yaml:4:7: rules.hpa-max-replicas-high.params.max: must be at least 1, got 0",
        ),
        (
            "rules:\n  hpa-max-replicas-high:\n    params: {maxReplicas: 50}\n",
            ".kgen.yaml:3:14: rules.hpa-max-replicas-high.params.maxReplicas: "
            "rule 'hpa-max-replicas-high' has no parameter 'maxReplicas'; did you mean 'max'?",
        ),
        (
            "rules:\n  replicas-single:\n    params: {min: 2}\n",
            ".kgen.yaml:3:14: rules.replicas-single.params.min: rule 'replicas-single' has no parameter 'min' "
            "(it has: none)",
        ),
        (
            "rules:\n  image-tag-mutable:\n    params: {mutableTags: [latest, [dev]]}\n",
            ".kgen.yaml:3:36: rules.image-tag-mutable.params.mutableTags[1]: expected a string, got a list of 1",
        ),
        (
            "rules:\n  api-deprecated:\n    params:\n      apis:\n        - {apiVersion: v1, deprecatedIn: soon}\n",
            ".kgen.yaml:5:28: rules.api-deprecated.params.apis[0].deprecatedIn: 'soon' does not match the "
            "pattern ^v?[0-9]{1,9}\\.[0-9]{1,9}$",
        ),
    ],
    ids=["wrong-type", "below-minimum", "unknown-did-you-mean", "rule-without-parameters", "list-item", "nested"],
)
def test_a_parameter_that_does_not_fit_is_refused_at_its_line(tmp_path: Path, config: str, message: str) -> None:
    result = kgen(project(tmp_path, config), "check", "app.yaml")
    assert refused(result) == f"kgen: {message}\n"


def test_a_parameter_meant_as_text_keeps_what_was_written(tmp_path: Path) -> None:
    # 1.10 is the number 1.1 to YAML; mutableTags are text, so the tag 1.10 is meant
    config = "rules:\n  image-tag-mutable:\n    params: {mutableTags: [latest, 1.10]}\n"
    result = kgen(project(tmp_path, config), "check", "app.yaml", "--format", "json")
    findings = [(f["rule"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]]
    assert ("image-tag-mutable", 15, 11) in findings


def test_a_valid_parameter_is_used(tmp_path: Path) -> None:
    config = "rules:\n  hpa-max-replicas-high:\n    params: {max: 50}\n"
    result = kgen(project(tmp_path, config), "check", "app.yaml", "--format", "json")
    found = [(f["rule"], f["line"], f["column"], f["message"]) for f in json.loads(result.stdout)["findings"]]
    assert ("hpa-max-replicas-high", 24, 3) in [f[:3] for f in found]
    assert [f[3] for f in found if f[0] == "hpa-max-replicas-high"][0].startswith("maxReplicas is 60, above 50;")
    assert kgen(tmp_path, "check", "app.yaml", "--no-config", "--format", "json").stdout.count("hpa-max-replicas-high") == 0


def test_every_shipped_parameter_is_typed_and_its_default_fits() -> None:
    # kgen's own policies skip these checks at load, for speed; this test is what checks them
    from kgen.check.policy import builtin_policy_dir, load_policy_file

    checked = 0
    for path in sorted(builtin_policy_dir().glob("*.yaml")):
        policy = load_policy_file(path, shipped=False)  # raises ConfigError on a bad schema or default
        assert policy == load_policy_file(path, shipped=True), path.name
        for spec in policy.param_specs.values():
            assert spec.schema.get("type") and spec.description, (policy.id, spec.name)
            assert spec.problems(spec.default) == [], (policy.id, spec.name)
            checked += 1
    assert checked >= 8


# --- custom policies: their own parameter schemas ---------------------------------------------

POLICY = """\
id: memory-limit-too-high
severity: warning
title: Memory limit above the platform maximum
description: A container's memory limit is above the platform maximum.
rationale: Very large pods fragment nodes.
remediation: Lower resources.limits.memory.
target: Container
params:
  max:
    type: [string, number]
    format: quantity
    default: 4Gi
    description: Largest acceptable memory limit.
message: 'container "{container}" has a memory limit above {max}'
schema:
  properties:
    resources:
      properties:
        limits:
          properties:
            memory:
              quantityMaximum: {$param: max}
"""


def custom(tmp_path: Path, policy: str, config_extra: str = "") -> Path:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "memory-limit-too-high.yaml").write_text(policy)
    return project(tmp_path, "policies: [team]\n" + config_extra)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("default: 4Gi", "default: abc"),
            "12:5: params.max.default: the default does not fit the parameter's own schema: "
            "'abc' is not a Kubernetes quantity (like 500m, 1, 256Mi or 1Gi)",
        ),
        (
            ("    format: quantity\n", ""),
            "9:3: params.max: parameter 'max' is compared as a quantity here; declare it with format: quantity",
        ),
        (
            ("{$param: max}", "{$param: maximum}"),
            "22:33: schema.properties.resources.properties.limits.properties.memory.quantityMaximum: "
            "refers to an undefined parameter 'maximum'; did you mean 'max'?",
        ),
        (
            ("    type: [string, number]\n", ""),
            "9:3: params.max: invalid policy: missing required key 'type'",
        ),
        (
            ("{$param: max}", "lots"),
            "22:15: schema.properties.resources.properties.limits.properties.memory.quantityMaximum: "
            "'lots' is not a Kubernetes quantity (like 500m, 1, 256Mi or 1Gi)",
        ),
    ],
    ids=["default-not-a-quantity", "quantity-without-format", "undefined-parameter", "no-type", "literal-not-a-quantity"],
)
def test_a_custom_policy_that_breaks_its_own_parameters_is_refused_at_load(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    assert change[0] in POLICY
    folder = custom(tmp_path, POLICY.replace(*change))
    result = kgen(folder, "check", "app.yaml")
    assert refused(result) == f"kgen: {Path('team') / 'memory-limit-too-high.yaml'}:{message}\n"


def test_a_custom_quantity_parameter_is_checked_in_the_config(tmp_path: Path) -> None:
    folder = custom(tmp_path, POLICY, "rules:\n  memory-limit-too-high:\n    params: {max: lots}\n")
    assert refused(kgen(folder, "check", "app.yaml")) == (
        "kgen: .kgen.yaml:4:14: rules.memory-limit-too-high.params.max: "
        "'lots' is not a Kubernetes quantity (like 500m, 1, 256Mi or 1Gi)\n"
    )
    manifest = HPA.replace("image: nginx:1.10", "image: nginx:1.10\n          resources: {limits: {memory: 3Gi}}")
    (folder / "app.yaml").write_text(manifest)
    (folder / ".kgen.yaml").write_text("policies: [team]\nrules:\n  memory-limit-too-high:\n    params: {max: 2Gi}\n")
    found = json.loads(kgen(folder, "check", "app.yaml", "--format", "json").stdout)["findings"]
    assert [(f["line"], f["message"]) for f in found if f["rule"] == "memory-limit-too-high"] == [
        (16, 'container "web" has a memory limit above 2Gi')
    ]


# --- the config's own fields --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "rules:\n  run-as-root: of\n",
            ".kgen.yaml:2:3: rules.run-as-root: expected true or false, or one of error, warning, info, off, "
            "or a mapping; got the string 'of'; did you mean 'off'?",
        ),
        (
            "rules:\n  run-as-root: {severity: eror}\n",
            ".kgen.yaml:2:17: rules.run-as-root.severity: 'eror' is not one of error, warning, info; "
            "did you mean 'error'?",
        ),
        (
            "rules:\n  run-as-root: {enabled: maybe}\n",
            ".kgen.yaml:2:17: rules.run-as-root.enabled: expected true or false, got the string 'maybe'",
        ),
        (
            "rules:\n  run-as-root: {severty: error}\n",
            ".kgen.yaml:2:17: rules.run-as-root.severty: unknown key 'severty'; did you mean 'severity'?",
        ),
        ("failOn: warnings\n", ".kgen.yaml:1:1: failOn: 'warnings' is not one of error, warning, info, never; did you mean 'warning'?"),
        ("rules:\n  run-as-rot: off\n", ".kgen.yaml:2:3: rules.run-as-rot: unknown rule 'run-as-rot'; did you mean 'run-as-root'?"),
        ("exclude: charts/**\n", ".kgen.yaml:1:1: exclude: expected a list of strings, got the string 'charts/**'"),
        ("strict: sometimes\n", ".kgen.yaml:1:1: strict: expected true or false, got the string 'sometimes'"),
        ("kubernetesVersion: 1.20\n", ".kgen.yaml:1:1: kubernetesVersion: 1.20 is older than the oldest schemas shipped (1.25)"),
        ("kubernetesVersion: latest\n", ".kgen.yaml:1:1: kubernetesVersion: 'latest' is not a version like 1.30"),
        ("- rules\n", ".kgen.yaml:1:1: a config file is a mapping of settings (rules, exclude, policies, ...)"),
    ],
    ids=[
        "switch-typo", "severity-typo", "enabled-not-boolean", "unknown-setting", "fail-on-typo", "unknown-rule",
        "exclude-not-a-list", "strict-not-boolean", "version-too-old", "version-not-a-version", "not-a-mapping",
    ],
)
def test_config_problems_name_file_line_field_and_what_is_allowed(tmp_path: Path, config: str, message: str) -> None:
    assert refused(kgen(project(tmp_path, config), "check", "app.yaml")) == f"kgen: {message}\n"


def test_kubernetes_version_is_the_text_written(tmp_path: Path) -> None:
    # YAML reads 1.30 as the number 1.3; the user meant Kubernetes 1.30
    folder = project(tmp_path, "kubernetesVersion: 1.30\n")
    result = kgen(folder, "check", "app.yaml", "--format", "json")
    assert result.returncode == 1 and result.stderr == ""
    assert json.loads(result.stdout)["summary"]["kubernetesVersion"] == "1.30"


def test_a_bad_version_names_where_it_came_from(tmp_path: Path) -> None:
    folder = project(tmp_path, "kubernetesVersion: 1.2\n")
    message = refused(kgen(folder, "check", "app.yaml"))
    assert message == "kgen: .kgen.yaml:1:1: kubernetesVersion: 1.2 is older than the oldest schemas shipped (1.25)\n"
    assert "--kubernetes-version" not in message
    flag = refused(kgen(folder, "check", "app.yaml", "--no-config", "--kubernetes-version", "1.2"))
    assert flag == "kgen: --kubernetes-version 1.2 is older than the oldest schemas shipped (1.25)\n"


def test_an_explicit_config_is_named_as_given(tmp_path: Path) -> None:
    folder = project(tmp_path, None)
    (folder / "ci").mkdir()
    (folder / "ci" / "kgen.yaml").write_text("failOn: eror\n")
    assert refused(kgen(folder, "check", "app.yaml", "--config", "ci/kgen.yaml")) == (
        "kgen: ci/kgen.yaml:1:1: failOn: 'eror' is not one of error, warning, info, never; did you mean 'error'?\n"
    )


def test_a_config_found_in_a_parent_folder_is_named_by_its_path(tmp_path: Path) -> None:
    project(tmp_path, "failOn: eror\n")
    (tmp_path / "deep").mkdir()
    message = refused(kgen(tmp_path / "deep", "check", "../app.yaml"))
    assert message == f"kgen: {tmp_path.resolve() / '.kgen.yaml'}:1:1: failOn: 'eror' is not one of error, warning, info, never; did you mean 'error'?\n"


# --- kgen explain honours the config ---------------------------------------------------------


def test_explain_shows_the_configured_severity_and_parameters(tmp_path: Path) -> None:
    folder = project(tmp_path, "rules:\n  hpa-max-replicas-high:\n    severity: error\n    params: {max: 50}\n")
    result = kgen(folder, "explain", "hpa-max-replicas-high")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "hpa-max-replicas-high (error in .kgen.yaml; default warning): Autoscaler maximum is very high"
    at = lines.index("Parameters (.kgen.yaml: rules: {hpa-max-replicas-high: {params: {...}}}):")
    assert lines[at + 1 : at + 3] == [
        "  max: 50 (set in .kgen.yaml; default 100)",
        "      Largest acceptable maxReplicas. Takes an integer, at least 1.",
    ]
    defaults = kgen(folder, "explain", "hpa-max-replicas-high", "--no-config").stdout.splitlines()
    assert defaults[0] == "hpa-max-replicas-high (warning): Autoscaler maximum is very high"
    assert "  max: 100" in defaults


def test_explain_takes_config_and_refuses_a_bad_one(tmp_path: Path) -> None:
    folder = project(tmp_path, None)
    (folder / "off.yaml").write_text("rules:\n  run-as-root: false\n")
    shown = kgen(folder, "explain", "run-as-root", "--config", "off.yaml")
    assert shown.stdout.splitlines()[0].startswith("run-as-root (off in off.yaml; default ")
    (folder / "bad.yaml").write_text("rules:\n  hpa-max-replicas-high:\n    params: {max: fifty}\n")
    assert refused(kgen(folder, "explain", "hpa-max-replicas-high", "--config", "bad.yaml")) == (
        "kgen: bad.yaml:3:14: rules.hpa-max-replicas-high.params.max: expected an integer, at least 1, "
        "got the string 'fifty'\n"
    )


def test_rule_parameters_are_documented_with_their_types() -> None:
    page = (REPO / "docs" / "rules.md").read_text()
    assert (
        "- `max` (an integer, at least 1; default `100`): Largest acceptable maxReplicas." in page
    )
    assert "- `mutableTags` (a list of strings; default `[\"latest\"]`): Tags treated as moving" in page


# --- suppressions that name no rule ----------------------------------------------------------


def test_an_unknown_rule_in_an_ignore_annotation_is_reported_at_its_value(tmp_path: Path) -> None:
    manifest = HPA.replace("  name: web\nspec:\n  replicas", "  name: web\n  annotations: {kgen.dev/ignore: replicas-singel}\nspec:\n  replicas", 1)
    folder = project(tmp_path, None, manifest)
    result = kgen(folder, "check", "app.yaml", "--no-config", "--fail-on", "never")
    assert result.returncode == 0
    assert (
        "app.yaml:5:34: warning ignore-unknown-rule kgen.dev/ignore names 'replicas-singel', which is not "
        "a kgen rule, so it suppresses nothing; did you mean 'replicas-single'? [Deployment web]"
    ) in result.stdout.splitlines()


def test_a_disabled_rule_is_still_a_known_rule(tmp_path: Path) -> None:
    manifest = HPA.replace("  name: web\nspec:\n  replicas", "  name: web\n  annotations: {kgen.dev/ignore: pdb-missing}\nspec:\n  replicas", 1)
    folder = project(tmp_path, "rules:\n  pdb-missing: off\n", manifest)
    result = kgen(folder, "check", "app.yaml", "--format", "json")
    assert [f["rule"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "ignore-unknown-rule"] == []


# --- runs that check nothing -----------------------------------------------------------------

NOTHING_FILES = "nothing checked: no manifest file (.yaml, .yml, .json) in the paths given, or every one is excluded"


def test_an_empty_folder_says_nothing_was_checked(tmp_path: Path) -> None:
    (tmp_path / "k8s").mkdir()
    text = kgen(tmp_path, "check", "k8s", "--no-config")
    assert (text.returncode, text.stdout, text.stderr) == (0, NOTHING_FILES + "\n", "")
    machine = kgen(tmp_path, "check", "k8s", "--no-config", "--format", "json")
    assert machine.returncode == 0 and json.loads(machine.stdout)["summary"]["files"] == 0
    assert machine.stderr == f"kgen: {NOTHING_FILES}\n"


def test_every_file_excluded_and_the_config_file_itself_check_nothing(tmp_path: Path) -> None:
    folder = project(tmp_path, "exclude: [app.yaml]\n")
    result = kgen(folder, "check", ".")
    assert (result.returncode, result.stdout, result.stderr) == (0, NOTHING_FILES + "\n", "")


def test_files_without_kubernetes_objects_check_nothing(tmp_path: Path) -> None:
    folder = project(tmp_path, "failOn: info\n", "replicaCount: 2\n")
    result = kgen(folder, "check", ".")
    assert (result.returncode, result.stdout) == (
        0,
        "nothing checked: no Kubernetes objects in 1 file (1 document; skipped: 1 not Kubernetes)\n",
    )


def test_a_path_that_does_not_exist_is_exit_2(tmp_path: Path) -> None:
    assert refused(kgen(tmp_path, "check", "k8s", "--no-config")) == "kgen: no such file or directory: k8s\n"


def test_the_config_file_is_not_counted_and_declared_kinds_are_not_unknown(tmp_path: Path) -> None:
    rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\n"
    config = "workloads:\n  - {kind: Rollout, apiVersion: argoproj.io/v1alpha1, podSpecPath: spec.template.spec}\n"
    folder = project(tmp_path, config, rollout)
    summary = json.loads(kgen(folder, "check", ".", "--format", "json").stdout)["summary"]
    assert (summary["files"], summary["objects"], summary["skipped"]) == (1, 1, {"notKubernetes": 0, "unknownKind": 0})
    strict = json.loads(kgen(folder, "check", ".", "--format", "json", "--strict").stdout)
    assert [f["rule"] for f in strict["findings"] if f["rule"] == "schema-invalid"] == []
    (folder / ".kgen.yaml").unlink()
    lax = json.loads(kgen(folder, "check", ".", "--format", "json").stdout)["summary"]
    assert lax["skipped"]["unknownKind"] == 1


# --- colour ----------------------------------------------------------------------------------


def test_color_always_colours_a_pipe_and_never_and_auto_do_not(tmp_path: Path) -> None:
    folder = project(tmp_path, None)
    always = kgen(folder, "check", "app.yaml", "--no-config", "--color", "always")
    assert "\x1b[1;33mwarning\x1b[0m" in always.stdout
    assert "\x1b[" not in kgen(folder, "check", "app.yaml", "--no-config", "--color", "never").stdout
    assert "\x1b[" not in kgen(folder, "check", "app.yaml", "--no-config").stdout
    no_color = kgen(folder, "check", "app.yaml", "--no-config", "--color", "always", env={"NO_COLOR": "1"})
    assert "\x1b[1;33mwarning\x1b[0m" in no_color.stdout  # an explicit choice wins over NO_COLOR


def test_render_check_colours_a_stale_diff_with_color_always(tmp_path: Path) -> None:
    profile = REPO / "fixtures" / "profiles" / "shop-api.yaml"
    out = tmp_path / "k8s"
    assert kgen(tmp_path, "render", str(profile), "-o", str(out)).returncode == 0
    stale = out / "horizontalpodautoscaler-shop-api.yaml"
    edited = re.sub(r"maxReplicas: \d+", "maxReplicas: 99", stale.read_text())
    assert edited != stale.read_text()
    stale.write_text(edited)
    always = kgen(tmp_path, "render", str(profile), "-o", str(out), "--check", "--color", "always")
    assert always.returncode == 1 and "\x1b[" in always.stdout
    never = kgen(tmp_path, "render", str(profile), "-o", str(out), "--check", "--color", "never")
    assert never.returncode == 1 and "\x1b[" not in never.stdout
