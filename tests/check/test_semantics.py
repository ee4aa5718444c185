"""The tricky semantics of the rules, one test each, with exact locations.

The fixture harness (test_policies.py) checks which lines each rule reports;
these tests pin what it reports there: rule ids, line *and* column, the
message's values, severities, suppression, and the options that change what
is checked (config files, custom policy folders, several files at once).
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import CheckResult, Finding

from tests.conftest import REPO

CUSTOM = REPO / "fixtures" / "custom-policies"


def write(tmp_path: Path, text: str, name: str = "manifest.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def check(tmp_path: Path, text: str, name: str = "manifest.yaml", **options: object) -> CheckResult:
    path = write(tmp_path, text, name)
    return run_check(CheckOptions(paths=(str(path),), discover_config=False, **options))  # type: ignore[arg-type]


def of(result: CheckResult, *rules: str) -> list[Finding]:
    return [f for f in result.findings if f.rule in rules]


def where(result: CheckResult, *rules: str) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in of(result, *rules)]


def loc(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of needle in the dedented text."""
    lines = dedent(text).lstrip("\n").splitlines()
    seen = 0
    for number, line in enumerate(lines, start=1):
        column = line.find(needle)
        while column != -1:
            seen += 1
            if seen == nth:
                return number, column + 1
            column = line.find(needle, column + 1)
    raise AssertionError(f"{needle!r} occurs fewer than {nth} times")


def deployment(name: str = "web", extra_spec: str = "", container: str = "", namespace: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}{ns}
spec:{extra_spec}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: nginx:1.27{container}
"""


# ---- Kubernetes' defaults are applied before judging -------------------------------------


def test_unset_replicas_default_to_one(tmp_path: Path) -> None:
    text = deployment()
    result = check(tmp_path, text)
    (finding,) = of(result, "replicas-single")
    assert (finding.line, finding.column) == loc(text, "spec:")  # spec.replicas is missing: its parent
    assert finding.message.startswith("Deployment runs 1 (the default, as spec.replicas is not set) replica")
    assert finding.path == "spec.replicas"
    assert of(result, "pdb-missing") == []  # one replica needs no budget


def test_unset_hpa_min_replicas_defaults_to_one(tmp_path: Path) -> None:
    text = """
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: web
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      maxReplicas: 1
    """
    result = check(tmp_path, text)
    assert where(result, "hpa-min-replicas-low", "hpa-max-not-above-min") == [
        ("hpa-min-replicas-low", *loc(text, "spec:")),
        ("hpa-max-not-above-min", *loc(text, "maxReplicas")),
    ]
    low, equal = of(result, "hpa-min-replicas-low", "hpa-max-not-above-min")
    assert low.message.startswith("minReplicas is 1 (the default, as it is not set); at least 2")
    assert equal.message.startswith("maxReplicas equals minReplicas (1)")
    assert equal.severity == "warning"


def test_hpa_max_below_min_is_an_error_and_equal_a_warning(tmp_path: Path) -> None:
    text = """
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: below
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      minReplicas: 3
      maxReplicas: 2
    ---
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: equal
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      minReplicas: 3
      maxReplicas: 3
    """
    below, equal = of(check(tmp_path, text), "hpa-max-not-above-min")
    assert (below.severity, below.line, below.column) == ("error", *loc(text, "maxReplicas: 2"))
    assert below.message.startswith("maxReplicas 2 is below minReplicas 3")
    assert (equal.severity, equal.line, equal.column) == ("warning", *loc(text, "maxReplicas: 3"))


PROBED = """
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports: [{{name: http, containerPort: 80}}]
      livenessProbe:
        httpGet: {{path: /healthz, port: http}}
{probe}
"""


@pytest.mark.parametrize(
    ("probe", "needle", "message"),
    [
        # all defaults: 3 x 10 s window, 0 + 30 s grace, 1 s timeout
        ("", None, None),
        # periodSeconds defaults to 10: a 10 s timeout widens nothing and narrows nothing (window 3 x 10 s)
        ("        timeoutSeconds: 10", None, None),
        # failureThreshold defaults to 3: 3 x 3 s
        (
            "        initialDelaySeconds: 30\n        periodSeconds: 3",
            "periodSeconds",
            "failureThreshold × periodSeconds is 3 × 3s = 9s, under 10s",
        ),
        # initialDelaySeconds defaults to 0 and is where the finding would point: its parent
        (
            "        failureThreshold: 2",
            "livenessProbe",
            "initialDelaySeconds + the failure window = 0s + 20s = 20s, under 30s",
        ),
    ],
    ids=["defaults-pass", "timeout-equal-to-default-period", "window", "startup-grace"],
)
def test_probe_timings_use_kubernetes_defaults(tmp_path: Path, probe: str, needle: str | None, message: str | None) -> None:
    text = PROBED.format(probe=probe)
    findings = of(check(tmp_path, text), "probe-over-sensitive")
    if needle is None:
        assert findings == []
        return
    (finding,) = findings
    assert (finding.line, finding.column) == loc(text, needle)
    assert finding.message.startswith('container "web": livenessProbe is over-sensitive: ')
    assert message is not None and message in finding.message


def test_probe_thresholds_are_parameters(tmp_path: Path) -> None:
    config = write(tmp_path, "rules:\n  probe-over-sensitive:\n    params: {minStartupGraceSeconds: 60}\n", ".kgen.yaml")
    text = PROBED.format(probe="")
    result = check(tmp_path, text, config_path=config)
    (finding,) = of(result, "probe-over-sensitive")
    assert "= 30s, under 60s" in finding.message
    assert (finding.line, finding.column) == loc(text, "livenessProbe")


# ---- ports, quantities, images --------------------------------------------------------------


def test_probe_ports_by_name_and_number(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9090}
          startupProbe:
            httpGet: {path: /healthz, port: http}
          readinessProbe:
            httpGet: {path: /ready, port: 9090}
          livenessProbe:
            tcpSocket: {port: htpp}
        - name: bare
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /healthz, port: 80}
    """
    result = check(tmp_path, text)
    named, bare = of(result, "probe-port-unknown")
    assert (named.line, named.column, named.severity) == (*loc(text, "port: htpp"), "error")
    assert named.message == (
        'container "web": livenessProbe tcpSocket port "htpp" names no port of this container '
        "(its ports: http=8080, metrics=9090); the kubelet cannot resolve it, so the probe always fails"
    )
    assert named.path == "spec.containers[0].livenessProbe.tcpSocket.port"
    assert (bare.line, bare.column, bare.severity) == (*loc(text, "port: 80}"), "info")  # works: only info
    assert "port 80 is not declared in the container's ports; the probe still connects" in bare.message


def test_quantities_are_compared_exactly(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {cpu: "1", memory: 1000Mi}
        - name: worker
          image: nginx:1.27
          resources:
            requests: {cpu: 1500m, memory: 1000Mi}
            limits: {cpu: 1, memory: 1Gi}
    """
    result = check(tmp_path, text)
    assert [(f.container, f.line, f.column, f.message) for f in of(result, "requests-exceed-limits")] == [
        (
            "web",
            *loc(text, "memory: 1Gi"),
            'container "web" requests memory 1Gi but its limit is 1000Mi; the pod cannot be admitted',
        ),
        (
            "worker",
            *loc(text, "cpu: 1500m"),
            'container "worker" requests cpu 1500m but its limit is 1; the pod cannot be admitted',
        ),
    ]


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("nginx", "has no tag, so it means :latest"),
        ("nginx:latest", "uses the moving tag :latest"),
        ("registry.internal:5000/shop/app", "has no tag, so it means :latest"),
        ("localhost:5000/app", "has no tag, so it means :latest"),
        ("registry.internal:5000/shop/app:1.2", None),
        ("nginx@sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d", None),
        ("nginx:latest@sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d", None),
        ("registry.internal:5000/app@sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d", None),
    ],
)
def test_image_tags_registry_ports_and_digests(tmp_path: Path, image: str, reason: str | None) -> None:
    text = f"""
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: {image}
    """
    findings = of(check(tmp_path, text), "image-tag-mutable")
    if reason is None:
        assert findings == []
        return
    (finding,) = findings
    assert (finding.line, finding.column) == loc(text, "image:")
    assert finding.message.startswith(f'container "web" image {image} {reason};')


# ---- selectors, percentages, namespaces -----------------------------------------------------


PDB_FOR = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web, tier: frontend}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchExpressions:
      - {expression}
"""


@pytest.mark.parametrize(
    ("expression", "selects"),
    [
        ("{key: tier, operator: In, values: [frontend, edge]}", True),
        ("{key: tier, operator: In, values: [backend]}", False),
        ("{key: tier, operator: NotIn, values: [backend]}", True),
        ("{key: tier, operator: NotIn, values: [frontend]}", False),
        ("{key: canary, operator: NotIn, values: ['true']}", True),  # absent label: not in any set
        ("{key: tier, operator: Exists}", True),
        ("{key: canary, operator: Exists}", False),
        ("{key: canary, operator: DoesNotExist}", True),
        ("{key: app, operator: DoesNotExist}", False),
    ],
)
def test_pdb_selectors_match_expressions(tmp_path: Path, expression: str, selects: bool) -> None:
    text = PDB_FOR.format(expression=expression)
    findings = where(check(tmp_path, text), "pdb-missing")
    assert findings == ([] if selects else [("pdb-missing", *loc(text, "labels:"))])


PDB_MIN = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  {budget}
  selector:
    matchLabels: {{app: web}}
"""


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("minAvailable: 67%", "minAvailable 67% requires 3 of the 3 pods of Deployment/web to stay up"),
        ("minAvailable: 66%", None),  # 1.98 rounds up to 2: one may go
        ("minAvailable: 3", "minAvailable 3 requires 3 of the 3 pods of Deployment/web to stay up"),
        ("minAvailable: 2", None),
        ("minAvailable: 100%", "minAvailable is 100%: no pod may ever be evicted"),
        ("maxUnavailable: 0%", "maxUnavailable is 0%: no pod may ever be evicted"),
        ("maxUnavailable: 0", "maxUnavailable is 0: no pod may ever be evicted"),
        ("maxUnavailable: 1%", None),  # rounds up to 1
    ],
)
def test_pdb_percentages_round_up(tmp_path: Path, budget: str, message: str | None) -> None:
    text = PDB_MIN.format(budget=budget)
    findings = of(check(tmp_path, text), "pdb-blocks-eviction")
    if message is None:
        assert findings == []
        return
    (finding,) = findings
    assert (finding.severity, finding.line, finding.column) == ("error", *loc(text, budget.split(":")[0]))
    assert finding.message.startswith(message)


def test_pdb_uses_the_autoscalers_minimum(tmp_path: Path) -> None:
    text = PDB_MIN.format(budget="minAvailable: 2") + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
"""
    (finding,) = of(check(tmp_path, text), "pdb-blocks-eviction")
    assert finding.message.startswith("minAvailable 2 requires 2 of the 2 pods of Deployment/web")
    assert (finding.line, finding.column) == loc(text, "minAvailable")


def test_namespaces_separate_related_objects(tmp_path: Path) -> None:
    text = deployment(namespace="shop", extra_spec="\n  replicas: 3") + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: staging
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: staging
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
"""
    result = check(tmp_path, text)
    rules = ("hpa-target-missing", "hpa-replicas-conflict", "pdb-missing")
    assert where(result, *rules) == [
        ("pdb-missing", *loc(text, "labels:")),
        ("hpa-target-missing", *loc(text, "name: web}")),
    ]
    missing = of(result, "hpa-target-missing")[0]
    assert missing.message == (
        "scale target Deployment/web (API group apps) is not among the checked objects in namespace staging"
    )
    assert of(result, "pdb-missing")[0].message.startswith(
        "Deployment runs 3 replicas but no PodDisruptionBudget selects its pods in namespace shop"
    )


def test_no_namespace_means_the_same_namespace_on_both_sides(tmp_path: Path) -> None:
    text = deployment() + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: default
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
"""
    result = check(tmp_path, text)
    assert where(result, "hpa-target-missing", "replicas-single") == []


# ---- suppression -------------------------------------------------------------------------------


def test_pod_template_annotation_suppresses(tmp_path: Path) -> None:
    text = """
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
          annotations:
            kgen.dev/ignore: "image-tag-mutable, pdb-missing"
        spec:
          containers:
            - name: web
              image: nginx:latest
    """
    result = check(tmp_path, text)
    budget, tag = of(result, "image-tag-mutable", "pdb-missing")  # in line order
    assert (tag.suppressed, tag.line, tag.column) == (True, *loc(text, "image:"))
    assert (budget.suppressed, budget.line, budget.column) == (True, *loc(text, "labels:"))
    assert not any(f.suppressed for f in result.findings if f.rule not in ("image-tag-mutable", "pdb-missing"))
    assert result.summary.suppressed == 2
    unsuppressed_warnings = sum(1 for f in result.findings if f.severity == "warning" and not f.suppressed)
    assert result.summary.by_severity["warning"] == unsuppressed_warnings


def test_object_annotation_suppresses_only_that_object(tmp_path: Path) -> None:
    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: admin
      annotations:
        kgen.dev/ignore: replicas-single
    spec:
      selector:
        matchLabels: {app: admin}
      template:
        metadata:
          labels: {app: admin}
        spec:
          containers:
            - name: admin
              image: nginx:1.27
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx:1.27
    """
    result = check(tmp_path, text)
    assert [(f.object.name, f.suppressed, f.line, f.column) for f in of(result, "replicas-single")] == [
        ("admin", True, *loc(text, "spec:", 1)),
        ("web", False, *loc(text, "spec:", 3)),
    ]


def test_star_suppresses_every_rule_of_the_object(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: debug
      annotations: {kgen.dev/ignore: "*"}
    spec:
      containers:
        - name: shell
          image: busybox
    ---
    apiVersion: v1
    kind: Pod
    metadata:
      name: other
    spec:
      containers:
        - name: shell
          image: busybox
    """
    result = check(tmp_path, text)
    debug = [f for f in result.findings if f.object.name == "debug"]
    other = [f for f in result.findings if f.object.name == "other"]
    assert debug and all(f.suppressed for f in debug)
    assert other and not any(f.suppressed for f in other)
    assert {f.rule for f in debug} == {f.rule for f in other}
    assert result.summary.suppressed == len(debug)


# ---- what is checked: custom kinds, custom policies, several files, Lists ------------------------


ROLLOUT = """
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: canary
spec:
  replicas: 3
  selector:
    matchLabels: {app: canary}
  template:
    metadata:
      labels: {app: canary}
    spec:
      containers:
        - name: canary
          image: ghcr.io/acme/canary
"""


def test_custom_workload_kind_from_config(tmp_path: Path) -> None:
    config = write(tmp_path, "workloads:\n  - kind: Rollout\n    podSpecPath: spec.template.spec\n", ".kgen.yaml")
    with_config = check(tmp_path, ROLLOUT, config_path=config)
    rules = ("image-tag-mutable", "cpu-requests-missing", "liveness-probe-missing")
    assert sorted(where(with_config, *rules)) == sorted(
        [
            ("image-tag-mutable", *loc(ROLLOUT, "image:")),
            ("cpu-requests-missing", *loc(ROLLOUT, "name: canary", 2)),
            ("liveness-probe-missing", *loc(ROLLOUT, "name: canary", 2)),
        ]
    )
    finding = of(with_config, "image-tag-mutable")[0]
    assert (finding.object.kind, finding.container) == ("Rollout", "canary")
    assert finding.path == "spec.template.spec.containers[0].image"
    assert with_config.summary.skipped_unknown_kind == 0  # declared in workloads: known to kgen, though it has no API schema

    without = check(tmp_path, ROLLOUT)
    assert where(without, *rules) == []


def test_custom_policies_from_a_folder(tmp_path: Path) -> None:
    manifests = CUSTOM / "manifests"
    result = run_check(
        CheckOptions(
            paths=(str(manifests / "fail.yaml"), str(manifests / "pass.yaml")),
            discover_config=False,
            policy_dirs=(CUSTOM / "policies",),
        )
    )
    text = (manifests / "fail.yaml").read_text()
    team = 'Deployment "{}" has no "team" label (metadata.labels)'
    memory = 'container "{}" has a memory limit above 4Gi (resources.limits.memory)'
    found = [(f.rule, Path(f.file).name, f.line, f.column, f.message) for f in result.findings]
    assert [f for f in found if f[0] in ("team-label-missing", "memory-limit-too-high")] == [
        ("team-label-missing", "fail.yaml", *loc(text, "labels:"), team.format("checkout")),
        ("memory-limit-too-high", "fail.yaml", *loc(text, "memory: 6Gi"), memory.format("checkout")),
        ("team-label-missing", "fail.yaml", *loc(text, "metadata:", 3), team.format("search")),
        ("memory-limit-too-high", "fail.yaml", *loc(text, "memory: 4097Mi"), memory.format("search")),
    ]
    assert result.rules["team-label-missing"].severity == "warning"


def test_custom_policies_from_config_with_parameters(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        f"""
        policies: [{CUSTOM / "policies"}]
        rules:
          team-label-missing:
            severity: error
            params: {{label: owner}}
        """,
        ".kgen.yaml",
    )
    result = run_check(
        CheckOptions(paths=(str(CUSTOM / "manifests" / "pass.yaml"),), discover_config=False, config_path=config)
    )
    (finding,) = of(result, "team-label-missing")
    assert (finding.severity, finding.message) == ("error", 'Deployment "checkout" has no "owner" label (metadata.labels)')
    assert of(result, "memory-limit-too-high") == []


def test_relations_across_files(tmp_path: Path) -> None:
    workload = write(tmp_path, deployment(extra_spec="\n  replicas: 2"), "deployment.yaml")
    hpa_text = """
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: web
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      minReplicas: 2
      maxReplicas: 6
      metrics:
        - type: Resource
          resource:
            name: cpu
            target: {type: Utilization, averageUtilization: 70}
    """
    hpa = write(tmp_path, hpa_text, "hpa.yaml")
    rules = ("hpa-target-missing", "hpa-replicas-conflict", "hpa-target-no-requests", "replicas-single", "pdb-missing")

    together = run_check(CheckOptions(paths=(str(workload), str(hpa)), discover_config=False))
    located = [(f.rule, Path(f.file).name, f.line, f.column) for f in of(together, *rules)]
    deployment_text = workload.read_text()
    assert located == [
        ("hpa-replicas-conflict", "deployment.yaml", *loc(deployment_text, "replicas: 2")),
        ("pdb-missing", "deployment.yaml", *loc(deployment_text, "labels:")),
        ("hpa-target-no-requests", "hpa.yaml", *loc(hpa_text, "averageUtilization")),
    ]
    assert of(together, "hpa-target-no-requests")[0].message.startswith(
        'cpu utilization target, but container "web" of Deployment/web has no cpu request'
    )

    alone = run_check(CheckOptions(paths=(str(hpa),), discover_config=False))
    assert where(alone, *rules) == [("hpa-target-missing", *loc(hpa_text, "name: web}"))]


def test_hpa_target_request_defaults_to_the_limit(tmp_path: Path) -> None:
    text = deployment(container="\n          resources:\n            limits: {cpu: 500m, memory: 256Mi}") + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
"""
    result = check(tmp_path, text)
    assert of(result, "hpa-target-no-requests") == []
    # the request rules still ask for the request to be written down
    assert where(result, "cpu-requests-missing") == [("cpu-requests-missing", *loc(text, "resources:"))]


def test_objects_inside_a_list(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: List
    items:
      - apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx:latest
      - apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata:
          name: web
        spec:
          maxUnavailable: 0
          selector:
            matchLabels: {app: web}
    """
    result = check(tmp_path, text)
    rules = ("replicas-single", "image-tag-mutable", "api-deprecated", "pdb-blocks-eviction")
    assert where(result, *rules) == [
        ("replicas-single", *loc(text, "replicas: 1")),
        ("image-tag-mutable", *loc(text, "image:")),
        ("api-deprecated", *loc(text, "apiVersion: policy")),
        ("pdb-blocks-eviction", *loc(text, "maxUnavailable")),
    ]
    tag = of(result, "image-tag-mutable")[0]
    assert (tag.object.kind, tag.object.name, tag.path) == ("Deployment", "web", "spec.template.spec.containers[0].image")
    assert result.summary.objects == 2


# ---- locations ------------------------------------------------------------------------------------


def test_missing_fields_point_at_the_nearest_parent(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - image: nginx:1.27
          name: web
        - name: sidecar
          image: nginx:1.27
          resources:
            limits: {memory: 64Mi}
        - name: agent
          image: nginx:1.27
          resources:
            requests: {memory: 64Mi}
    """
    result = check(tmp_path, text)
    assert loc(text, "name: web", 2) == (8, 7)  # spelled out once: the container's name: key
    assert [(f.container, f.line, f.column, f.path) for f in of(result, "cpu-requests-missing")] == [
        # no resources: the container, at its name: key (wherever it is in the item)
        ("web", *loc(text, "name: web", 2), "spec.containers[0].resources"),
        # resources without requests: the resources key
        ("sidecar", *loc(text, "resources:", 1), "spec.containers[1].resources.requests"),
        # requests without cpu: the requests key
        ("agent", *loc(text, "requests:"), "spec.containers[2].resources.requests.cpu"),
    ]
    assert of(result, "cpu-requests-missing")[0].message == 'container "web" has no CPU request (resources.requests.cpu)'


# ---- containers: init containers, native sidecars, run-to-completion -------------------------------


def test_native_sidecars_are_long_running_and_init_containers_are_not(tmp_path: Path) -> None:
    text = """
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
          initContainers:
            - name: migrate
              image: ghcr.io/acme/migrate:1.0.0
            - name: proxy
              image: envoyproxy/envoy:v1.31.0
              restartPolicy: Always
          containers:
            - name: web
              image: nginx:1.27
              livenessProbe: {tcpSocket: {port: 80}}
              readinessProbe: {httpGet: {path: /ready, port: 80}}
    """
    result = check(tmp_path, text)
    proxy = loc(text, "name: proxy")
    assert where(result, "liveness-probe-missing", "readiness-probe-missing") == [
        ("liveness-probe-missing", *proxy),
        ("readiness-probe-missing", *proxy),
    ]
    assert [f.container for f in of(result, "memory-requests-missing")] == ["migrate", "proxy", "web"]


TASK = "containers: [{name: task, image: busybox:1.36, livenessProbe: {exec: {command: [cat, /tmp/x]}, periodSeconds: 1}}]"


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        ("Job", f"template:\n    spec:\n      restartPolicy: Never\n      {TASK}"),
        ("Pod", f"restartPolicy: OnFailure\n  {TASK}"),
    ],
)
def test_run_to_completion_is_exempt_from_probe_rules(tmp_path: Path, kind: str, spec: str) -> None:
    api = "batch/v1" if kind == "Job" else "v1"
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: task\nspec:\n  {spec}\n"
    result = check(tmp_path, text)
    probes = ("liveness-probe-missing", "readiness-probe-missing", "probe-over-sensitive")
    assert where(result, *probes, "liveness-equals-readiness") == []
    assert where(result, "cpu-requests-missing") != []  # the container is still checked


def test_pod_security_context_is_inherited_and_overridden(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: inherits
          image: nginx:1.27
        - name: overrides
          image: nginx:1.27
          securityContext:
            runAsNonRoot: false
        - name: root
          image: nginx:1.27
          securityContext:
            runAsUser: 0
    """
    result = check(tmp_path, text)
    assert [(f.container, f.line, f.column, f.message) for f in of(result, "run-as-root")] == [
        (
            "overrides",
            *loc(text, "runAsNonRoot: false"),
            'container "overrides" may run as root: neither runAsNonRoot: true nor a non-zero runAsUser '
            "is set on the container or its pod",
        ),
        ("root", *loc(text, "runAsUser: 0"), 'container "root" runs as root (runAsUser: 0)'),
    ]


def test_liveness_equal_to_readiness_only_when_it_fails_no_later(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: same
          image: nginx:1.27
          livenessProbe: {httpGet: {path: /health, port: 80}}
          readinessProbe: {httpGet: {port: 80, path: /health}}
        - name: later
          image: nginx:1.27
          livenessProbe: {httpGet: {path: /health, port: 80}, failureThreshold: 6}
          readinessProbe: {httpGet: {path: /health, port: 80}}
    """
    (finding,) = of(check(tmp_path, text), "liveness-equals-readiness")
    assert (finding.container, finding.line, finding.column) == ("same", *loc(text, "livenessProbe"))
    assert "same httpGet check and liveness fails after 30s, no later than readiness (30s)" in finding.message


# ---- engine rules: parsing, schemas, API versions -----------------------------------------------


def test_helm_template_is_reported_once(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: {{ include "app.fullname" . }}
    data:
      replicas: "{{ .Values.replicaCount }}"
      {{- if .Values.debug }}
      debug: "true"
      {{- end }}
    """
    result = check(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("yaml-invalid", *loc(text, "{{"))]
    assert result.findings[0].message.startswith("un-rendered Helm template syntax")


def test_duplicate_key_is_reported_at_the_second_key(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      mode: fast
      mode: safe
    """
    (finding,) = of(check(tmp_path, text), "yaml-invalid")
    assert (finding.line, finding.column) == loc(text, "mode: safe")
    assert finding.message == f"duplicate key 'mode' (first defined at line {loc(text, 'mode: fast')[0]})"


def test_unknown_kinds_are_skipped_unless_strict(tmp_path: Path) -> None:
    lax = check(tmp_path, ROLLOUT)
    assert of(lax, "schema-invalid") == []
    assert lax.summary.skipped_unknown_kind == 1
    strict = check(tmp_path, ROLLOUT, strict=True)
    (finding,) = of(strict, "schema-invalid")
    assert (finding.line, finding.column) == loc(ROLLOUT, "kind:")
    assert finding.message.startswith("no schema for Rollout argoproj.io/v1alpha1 in Kubernetes ")


HPA_V2BETA2 = "HorizontalPodAutoscaler autoscaling/v2beta2"


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1.25", f"{HPA_V2BETA2} is deprecated since Kubernetes 1.23, and is removed in 1.26; use autoscaling/v2"),
        ("1.26", f"{HPA_V2BETA2} was removed in Kubernetes 1.26 (target: 1.26); use autoscaling/v2"),
        ("v1.30", f"{HPA_V2BETA2} was removed in Kubernetes 1.26 (target: 1.30); use autoscaling/v2"),
    ],
)
def test_api_deprecation_depends_on_the_target_version(tmp_path: Path, version: str, message: str) -> None:
    text = """
    apiVersion: autoscaling/v2beta2
    kind: HorizontalPodAutoscaler
    metadata:
      name: web
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
      minReplicas: 2
      maxReplicas: 4
    """
    for schema_validation in (True, False):
        result = check(tmp_path, text, kubernetes_version=version, schema_validation=schema_validation)
        (finding,) = of(result, "api-deprecated")
        assert (finding.line, finding.column, finding.message) == (*loc(text, "apiVersion"), message)


# ---- known gap -------------------------------------------------------------------------------------


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
