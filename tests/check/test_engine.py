"""kgen check end to end: inputs, config, exit codes, and the real-world corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgen.check.engine import CheckOptions, run_check
from kgen.cli import cli, run

from tests.conftest import CORPUS, REPO

CLEAN_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      automountServiceAccountToken: false
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
          ports: [{name: http, containerPort: 8080}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 200m, memory: 256Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          readinessProbe:
            httpGet: {path: /ready, port: http}
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            initialDelaySeconds: 10
            periodSeconds: 10
            failureThreshold: 3
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {app: web}
"""

UNTAGGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: tools
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  restartPolicy: Never
  containers:
    - name: tools
      image: busybox
      resources:
        requests: {cpu: 10m, memory: 16Mi}
        limits: {cpu: 10m, memory: 16Mi}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL]}
  automountServiceAccountToken: false
"""
#: UNTAGGED_POD also gets naked-pod (info): a Pod that runs to completion with no controller.
NAKED = ("naked-pod", 2, 1)


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--no-config", *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_clean_manifests_exit_zero(tmp_path: Path) -> None:
    path = write(tmp_path, "app.yaml", CLEAN_DEPLOYMENT)
    code, out, _ = invoke(str(path), "--fail-on", "info")
    assert code == 0
    assert out == "no problems found in 3 objects (1 file)\n"


def test_findings_and_fail_on_thresholds(tmp_path: Path) -> None:
    path = write(tmp_path, "pod.yaml", UNTAGGED_POD)
    code, out, _ = invoke(str(path))
    assert code == 1
    assert f"{path}:10:7: warning image-tag-mutable" in out
    assert invoke(str(path), "--fail-on", "error")[0] == 0
    assert invoke(str(path), "--fail-on", "never")[0] == 0


def test_stdin_is_reported_as_stdin() -> None:
    code, out, _ = invoke("-", "--format", "json", input=UNTAGGED_POD)
    data = json.loads(out)
    assert code == 1
    assert [(f["file"], f["line"], f["column"], f["rule"]) for f in data["findings"]] == [
        ("<stdin>", 2, 1, "naked-pod"),
        ("<stdin>", 10, 7, "image-tag-mutable"),
    ]


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    code, _, err = invoke(str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "no such file or directory" in err


def test_folders_are_walked_and_non_kubernetes_yaml_is_counted(tmp_path: Path) -> None:
    write(tmp_path, "a/app.yaml", CLEAN_DEPLOYMENT)
    write(tmp_path, "a/b/values.yml", "replicaCount: 2\nimage: {tag: latest}\n")
    write(tmp_path, "a/b/notes.txt", "not yaml: [")
    result = run_check(CheckOptions(paths=(str(tmp_path),), discover_config=False))
    assert result.summary.files == 2
    assert result.summary.objects == 3
    assert result.summary.skipped_not_kubernetes == 1
    assert result.active == ()


def test_unknown_kinds_are_counted_or_reported_with_strict(tmp_path: Path) -> None:
    path = write(tmp_path, "cr.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n")
    lax = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    assert lax.summary.skipped_unknown_kind == 1 and lax.active == ()
    strict = run_check(CheckOptions(paths=(str(path),), discover_config=False, strict=True))
    assert [(f.rule, f.line, f.column) for f in strict.active] == [("schema-invalid", 2, 1)]


def test_list_kind_items_are_checked_with_their_own_positions(tmp_path: Path) -> None:
    body = UNTAGGED_POD.splitlines()
    items = "apiVersion: v1\nkind: List\nitems:\n  - " + body[0] + "\n" + "".join(f"    {line}\n" for line in body[1:])
    path = write(tmp_path, "list.yaml", items)
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    assert [(f.rule, f.line, f.column) for f in result.active] == [("naked-pod", 5, 5), ("image-tag-mutable", 13, 11)]


def test_yaml_invalid_does_not_stop_other_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "kind: Pod\nmetadata: {name: x\n")
    write(tmp_path, "b.yaml", UNTAGGED_POD)
    result = run_check(CheckOptions(paths=(str(tmp_path),), discover_config=False))
    assert [(Path(f.file).name, f.rule) for f in result.active] == [
        ("a.yaml", "yaml-invalid"),
        ("b.yaml", "naked-pod"),
        ("b.yaml", "image-tag-mutable"),
    ]


def test_helm_template_is_reported_once_as_not_renderable(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  replicas: {{ .Values.replicas }}\n",
    )
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    assert [(f.rule, f.line, f.column) for f in result.active] == [("yaml-invalid", 4, 9)]
    assert "un-rendered Helm template" in result.active[0].message


def test_exclude_globs_from_config(tmp_path: Path) -> None:
    write(tmp_path, "k8s/app.yaml", CLEAN_DEPLOYMENT)
    write(tmp_path, "k8s/legacy/pod.yaml", UNTAGGED_POD)
    config = write(tmp_path, ".kgen.yaml", "exclude: ['legacy/**']\n")
    result = run_check(CheckOptions(paths=(str(tmp_path / "k8s"),), config_path=config))
    assert result.summary.files == 1 and result.active == ()


def test_config_overrides_severity_params_and_switches(tmp_path: Path) -> None:
    path = write(tmp_path, "pod.yaml", UNTAGGED_POD)
    config = write(
        tmp_path,
        ".kgen.yaml",
        "rules:\n  image-tag-mutable: error\n  cpu-limits-missing: {severity: warning}\n",
    )
    result = run_check(CheckOptions(paths=(str(path),), config_path=config))
    assert [(f.rule, f.severity) for f in result.active] == [("naked-pod", "info"), ("image-tag-mutable", "error")]
    off = write(tmp_path, "off.yaml", "rules:\n  image-tag-mutable: off\n")
    assert [(f.rule, f.line, f.column) for f in run_check(CheckOptions(paths=(str(path),), config_path=off)).active] == [NAKED]


def test_config_is_found_in_parent_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, ".kgen.yaml", "rules:\n  image-tag-mutable: false\n")
    path = write(tmp_path, "deep/er/pod.yaml", UNTAGGED_POD)
    monkeypatch.chdir(tmp_path / "deep" / "er")
    assert [(f.rule, f.line, f.column) for f in run_check(CheckOptions(paths=(str(path),))).active] == [NAKED]


def test_rule_parameter_from_config(tmp_path: Path) -> None:
    hpa = CLEAN_DEPLOYMENT.replace("maxReplicas: 10", "maxReplicas: 60")
    path = write(tmp_path, "app.yaml", hpa)
    config = write(tmp_path, "c.yaml", "rules:\n  hpa-max-replicas-high:\n    params: {max: 50}\n")
    result = run_check(CheckOptions(paths=(str(path),), config_path=config))
    assert [(f.rule, f.line, f.message) for f in result.active] == [
        (
            "hpa-max-replicas-high",
            43,
            "maxReplicas is 60, above 50; a runaway metric could scale this far and exhaust the "
            "cluster or the services behind it",
        )
    ]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("rulez: {}\n", "c.yaml:1:1: rulez: unknown key 'rulez'; did you mean 'rules'?"),
        ("rules:\n  no-such-rule: off\n", "c.yaml:2:3: rules.no-such-rule: unknown rule 'no-such-rule' (see `kgen rules`)"),
        ("failOn: sometimes\n", "c.yaml:1:1: failOn: 'sometimes' is not one of error, warning, info, never"),
        (
            "rules:\n  hpa-max-replicas-high: {params: {maximum: 5}}\n",
            "c.yaml:2:36: rules.hpa-max-replicas-high.params.maximum: rule 'hpa-max-replicas-high' has no parameter 'maximum'; did you mean 'max'?",
        ),
    ],
)
def test_invalid_config_is_exit_2_with_its_line(tmp_path: Path, config: str, message: str) -> None:
    write(tmp_path, "c.yaml", config)
    path = write(tmp_path, "pod.yaml", UNTAGGED_POD)
    code, _, err = invoke(str(path), "--config", str(tmp_path / "c.yaml"))
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_disable_and_enable_flags(tmp_path: Path) -> None:
    path = write(tmp_path, "pod.yaml", UNTAGGED_POD)
    assert invoke(str(path), "--disable", "image-tag-mutable")[0] == 0
    code, _, err = invoke(str(path), "--disable", "no-such-rule")
    assert code == 2 and "unknown rule 'no-such-rule'" in err


def test_suppressed_findings_are_counted_and_shown_on_request(tmp_path: Path) -> None:
    text = UNTAGGED_POD.replace("  name: tools\n", "  name: tools\n  annotations:\n    kgen.dev/ignore: image-tag-mutable\n")
    path = write(tmp_path, "pod.yaml", text)
    code, out, _ = invoke(str(path), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [f["rule"] for f in data["findings"]] == ["naked-pod"] and data["summary"]["suppressed"] == 1
    _, shown, _ = invoke(str(path), "--format", "json", "--show-suppressed")
    assert [(f["rule"], f["suppressed"]) for f in json.loads(shown)["findings"]] == [
        ("naked-pod", False),
        ("image-tag-mutable", True),
    ]


def test_output_file_is_written(tmp_path: Path) -> None:
    path = write(tmp_path, "pod.yaml", UNTAGGED_POD)
    report = tmp_path / "out" / "kgen.sarif"
    report.parent.mkdir()
    code, out, _ = invoke(str(path), "--format", "sarif", "-o", str(report))
    assert code == 1 and out == ""
    assert json.loads(report.read_text())["version"] == "2.1.0"


def test_rules_and_explain() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["rules"])
    assert listed.exit_code == 0
    shipped = sorted(path.stem for path in (REPO / "policies").glob("*.yaml"))
    *table, blank, total = listed.stdout.splitlines()
    assert (blank, total) == ("", f"{len(shipped)} rules; `kgen explain RULE` for details.")
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in table}
    assert sorted(rows) == shipped
    assert rows["probe-over-sensitive"] == ["warning", "Liveness or startup probe restarts healthy containers"]
    assert rows["cpu-limits-missing"][0] == "info"
    explained = runner.invoke(cli, ["explain", "pdb-blocks-eviction"])
    assert explained.exit_code == 0
    assert explained.stdout.startswith("pdb-blocks-eviction (error): PodDisruptionBudget blocks every eviction\n")
    assert "Fails:" in explained.stdout and "Passes:" in explained.stdout
    unknown = runner.invoke(cli, ["explain", "pdb-block-eviction"])
    assert unknown.exit_code == 2
    assert "unknown rule 'pdb-block-eviction'; did you mean 'pdb-blocks-eviction'?" in unknown.stderr


def test_committed_rules_page_is_up_to_date() -> None:
    from kgen.check.docs import rules_markdown
    from kgen.check.policy import builtin_policy_dir, load_policy_dirs

    expected = rules_markdown(load_policy_dirs([builtin_policy_dir()]))
    assert (REPO / "docs" / "rules.md").read_text() == expected, "run: kgen rules --format markdown > docs/rules.md"


def test_internal_errors_are_exit_3_without_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import kgen.check.engine as engine

    def boom(options: object, progress: object = None) -> None:
        raise ValueError("kaput")

    monkeypatch.setattr(engine, "run_check", boom)
    assert run(["check", "x.yaml"]) == 3
    err = capsys.readouterr().err
    assert "internal error: ValueError: kaput" in err and "Traceback" not in err


# Every yaml-invalid finding in the corpus slice, each a real defect (reviewed by hand):
# a key given twice in one mapping, which the API server's strict decoding refuses.
CORPUS_YAML_INVALID = [
    ("examples/_archived/openshift-origin/etcd-controller.yaml", 12, 3, "duplicate key 'selector' (first defined at line 6)"),
    ("examples/_archived/openshift-origin/etcd-discovery-controller.yaml", 12, 3, "duplicate key 'selector' (first defined at line 6)"),
    ("examples/_archived/openshift-origin/openshift-controller.yaml", 12, 3, "duplicate key 'selector' (first defined at line 8)"),
    ("examples/_archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml", 9, 1, "duplicate key 'type' (first defined at line 5)"),
    ("examples/_archived/volumes/scaleio/sc-pvc.yaml", 12, 3, "duplicate key 'storageClassName' (first defined at line 6)"),
]

# Every other error-severity finding in the slice, each true (reviewed by hand): argo-cd's
# test Ingress uses the v1beta1 backend fields under networking.k8s.io/v1, so the API server
# rejects it; cockroachdb's budget of 67% of 3 replicas keeps all 3 up (ceil(2.01) = 3);
# the New Relic agent runs privileged.
CORPUS_OTHER_ERRORS = [
    ("schema-invalid", "argo-cd/test/e2e/testdata/deprecated-extensions/ingress.yaml", 10, 9),
    ("schema-invalid", "argo-cd/test/e2e/testdata/deprecated-extensions/ingress.yaml", 11, 11),
    ("pdb-blocks-eviction", "examples/_archived/cockroachdb/cockroachdb-statefulset.yaml", 67, 3),
    ("privileged-container", "examples/_archived/newrelic/newrelic-daemonset.yaml", 29, 13),
    # the same privileged agent mounts /var/run/docker.sock: the runtime's socket is the node
    ("host-path-volume", "examples/_archived/newrelic/newrelic-daemonset.yaml", 56, 11),
]


def test_corpus_checks_without_crash_and_pins_its_errors() -> None:
    manifests = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml"))
    result = run_check(CheckOptions(paths=(str(CORPUS),), discover_config=False))
    assert result.summary.files == len(manifests)
    errors = [
        (f.rule, Path(f.file).relative_to(CORPUS).as_posix(), f.line, f.column, f.message)
        for f in result.findings
        if f.severity == "error"
    ]
    assert [e[1:] for e in errors if e[0] == "yaml-invalid"] == CORPUS_YAML_INVALID
    assert [e[:4] for e in errors if e[0] != "yaml-invalid"] == CORPUS_OTHER_ERRORS
