"""Input kinds and sizes in check's rules and policies, in real kgen processes.

Digit strings past Python's int-string limit, values of the wrong kind at every
field the cross-object index keys on, rule parameters and policy keywords of the
wrong type, and patterns that make a backtracking engine take exponential time:
each is a finding or exit 2 naming file, line and field, never exit 3 or a hang.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgen.model.numbers import INT64_MAX, atoi, digits_value, is_digits, percent, scaled_value
from kgen.model.patterns import PatternError, compile_search
from kgen.model.quantity import QuantityTooLong, parse_quantity
from tests.hardening.support import Measured, assert_bounded, run_kgen

DIGITS = "9" * 5000  # past Python's 4,300-digit limit on int(str)


def check(folder: Path, *args: str) -> Measured:
    run = run_kgen("check", *args, "-j", "1", "-f", "json", cwd=folder)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return run


def findings(run: Measured) -> list[tuple[str, int, str]]:
    """(rule, line, message) of every finding of a JSON report."""
    report = json.loads(run.out)
    return [(f["rule"], f["line"], f["message"]) for f in report["findings"]]


# --- the helpers, directly -----------------------------------------------------------------


def test_digit_strings_are_read_by_their_length_first() -> None:
    assert digits_value("0042") == 42
    assert digits_value("0" * 100_000 + "7") == 7  # leading zeros cost nothing
    assert digits_value(DIGITS) is None
    assert digits_value("²") is None and not is_digits("²") and not is_digits("١٢") and not is_digits("1_0")
    assert atoi("-9223372036854775808") == -(2**63) and atoi("9223372036854775808") is None
    assert atoi(" 1") is None and atoi("+7") == 7
    assert percent("25%") == 25 and percent(DIGITS + "%") == INT64_MAX and percent("25") is None


def test_a_quantity_is_refused_by_its_length_not_converted() -> None:
    assert parse_quantity("1" + "0" * 999) == 10**999  # 1e999 written out still reads
    assert parse_quantity("120.050") * 20 == 2401
    with pytest.raises(QuantityTooLong, match="5,000 digits"):
        parse_quantity(DIGITS + "Mi")
    with pytest.raises(QuantityTooLong):
        parse_quantity("0." + "1" * 100_000)


def test_patterns_are_matched_in_linear_time_or_refused() -> None:
    for pattern in ("^(a+)+$", "(a|a)*b", "(.*a){20}$"):
        assert compile_search(pattern)("a" * 200_000 + "!") is False
    for pattern in ("(?=a)", r"(a)\1", "a{1001}"):
        with pytest.raises(PatternError, match="linear time"):
            compile_search(pattern)


# --- digit strings in manifests, flags and config ------------------------------------------

MANIFESTS = f"""\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: budget, namespace: shop}}
spec:
  maxUnavailable: "{DIGITS}%"
  selector: {{matchLabels: {{app: web}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: "{DIGITS}"
  selector: {{matchLabels: {{app: web}}}}
  strategy: {{rollingUpdate: {{maxSurge: "{DIGITS}%", maxUnavailable: "²%"}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      securityContext: {{sysctls: [{{name: net.ipv4.ip_unprivileged_port_start, value: "{DIGITS}"}}]}}
      containers:
      - name: c
        image: ghcr.io/acme/web:1.0
        ports: [{{containerPort: 8080, name: http}}]
        resources:
          requests: {{memory: "{DIGITS}Mi", cpu: "0.{DIGITS}"}}
          limits: {{memory: "1Gi", cpu: "{DIGITS}"}}
        livenessProbe: {{httpGet: {{port: "{DIGITS}"}}, periodSeconds: 10}}
        readinessProbe: {{tcpSocket: {{port: "²"}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: db-0, namespace: shop}}
spec:
  selector: {{statefulset.kubernetes.io/pod-name: "db-{DIGITS}", apps.kubernetes.io/pod-index: "{DIGITS}"}}
  ports: [{{port: 80, targetPort: "{DIGITS}"}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db, namespace: shop}}
spec:
  serviceName: db-0
  replicas: 2
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers: [{{name: c, image: ghcr.io/acme/db:1.0}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: nightly, namespace: shop}}
spec:
  schedule: "{DIGITS} * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{{name: c, image: ghcr.io/acme/job:1.0}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: every, namespace: shop}}
spec:
  schedule: "@every 1.{DIGITS}s"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{{name: c, image: ghcr.io/acme/job:1.0}}]
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {{pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: "v1.{DIGITS}"}}
"""


def test_digit_strings_past_the_int_limit_are_findings(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MANIFESTS)
    run = check(tmp_path, "m.yaml", "--no-config")
    assert run.code == 1
    found = findings(run)
    assert (
        "api-rejected", 5, f'spec.maxUnavailable: "{"9" * 100}"... (5,001 characters) must not be greater than 100%'
    ) in found
    probes = [message for rule, line, message in found if rule == "probe-port-unknown"]
    assert any("(5,000 characters) is a string of digits" in m and m.endswith("write a number from 1 to 65535") for m in probes)
    assert any(m.startswith('container "c": readinessProbe tcpSocket port "²" names no port') for m in probes)  # not digits
    assert ("schema-invalid", 12) in {(rule, line) for rule, line, _ in found}  # replicas: a string
    assert any(rule == "api-rejected" and line == 52 and m.endswith("failed to parse int from 999999999999999999999999999999...") for rule, line, m in found)
    assert_bounded(run, "check", cpu=5, mib=200)


def test_a_version_with_a_huge_number_is_newer_than_any(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n")
    flag = run_kgen("check", "m.yaml", "--no-config", "--kubernetes-version", f"1.{DIGITS}", cwd=tmp_path)
    assert flag.code == 2, flag.stderr
    assert flag.stderr.startswith("kgen: --kubernetes-version 1.99999") and "is newer than the newest schemas shipped" in flag.stderr
    assert len(flag.stderr) < 300
    (tmp_path / ".kgen.yaml").write_text(f'kubernetesVersion: "{DIGITS}.1"\n')
    config = run_kgen("check", "m.yaml", cwd=tmp_path)
    assert config.code == 2 and config.stderr.startswith("kgen: .kgen.yaml:1:"), config.stderr
    assert "kubernetesVersion: " in config.stderr and "newer than the newest" in config.stderr


# --- the cross-object index: every keyed field of every kind -------------------------------

INDEXED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: sa
      volumes: [{name: cfg, configMap: {name: cfg}}]
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]
      containers:
      - name: c
        image: ghcr.io/acme/web:1.0
        envFrom: [{configMapRef: {name: cfg}}]
        env: [{name: A, valueFrom: {secretKeyRef: {name: sec, key: k}}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {k: v}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
subjects: [{kind: ServiceAccount, name: sa, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "true"}}]}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
"""

#: (text in INDEXED, what replaces it): a keyed field given each kind of wrong value.
HOSTILE_FIELDS = [
    ("kind: Deployment, name: web}", "kind: [Deployment], name: web}"),
    ("kind: Deployment, name: web}", "kind: Deployment, name: {a: b}}"),
    ("kind: Deployment, name: web}", "kind: 7, name: null}"),
    ("apiVersion: apps/v1, kind: Deployment", "apiVersion: [apps/v1], kind: Deployment"),
    ("selector: {matchLabels: {app: web}}}", "selector: {matchLabels: {app: [web]}}}"),
    ("selector: {matchLabels: {app: web}}}", "selector: {matchLabels: [app]}}"),
    ("selector: {app: web}", "selector: {app: {a: b}}"),
    ("selector: {app: web}", "selector: [app]"),
    ("podSelector: {matchLabels: {app: web}}", "podSelector: {matchLabels: {app: true}}"),
    ("podSelector: {matchLabels: {app: web}}", "podSelector: [a]"),
    ("serviceAccountName: sa", "serviceAccountName: [sa]"),
    ("serviceAccountName: sa", "serviceAccountName: {a: b}"),
    ("volumes: [{name: cfg,", "volumes: [{name: [cfg],"),
    ("configMap: {name: cfg}", "configMap: {name: {a: b}}"),
    ("configMapRef: {name: cfg}", "configMapRef: {name: [cfg]}"),
    ("secretKeyRef: {name: sec, key: k}", "secretKeyRef: {name: sec, key: [k]}"),
    ("namespace: shop, labels: {app: web}}\nspec:\n  replicas", "namespace: shop, labels: {app: [web]}}\nspec:\n  replicas"),
    ("metadata: {labels: {app: web}}", "metadata: {labels: {app: {x: y}}}"),
    ("metadata: {labels: {app: web}}", "metadata: {labels: [app]}"),
    ("labelSelector: {matchLabels: {app: web}}", "labelSelector: {matchLabels: {app: [web]}}"),
    ("roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}", "roleRef: {kind: [ClusterRole], name: {a: b}}"),
    ("subjects: [{kind: ServiceAccount, name: sa, namespace: shop}]", "subjects: [{kind: {a: b}, name: [sa], namespace: 7}]"),
    ("clusterRoleSelectors: [{matchLabels: {agg: \"true\"}}]", "clusterRoleSelectors: [{matchLabels: {agg: [x]}}]"),
    ("clusterRoleSelectors: [{matchLabels: {agg: \"true\"}}]", "clusterRoleSelectors: 7"),
    ("rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [get]}]", "rules: [{apiGroups: 7, resources: {a: b}, verbs: [[get]]}]"),
    ("data: {k: v}", "data: {k: [v]}"),
    ("topologyKey: zone", "topologyKey: [zone]"),
    ("        image: ghcr.io/acme/web:1.0\n", "        image: ghcr.io/acme/web:1.0\n        ports: 7\n"),
    ("labelSelector: {matchLabels: {app: web}}", "labelSelector: {matchExpressions: [{key: [job-name], operator: In}]}"),
    ("      containers:\n      - name: c\n", "      containers:\n      - name: c\n        securityContext: {capabilities: {add: [[NET_ADMIN]]}}\n"),
    ("metadata: {name: cfg, namespace: shop}", "metadata: {name: [cfg], namespace: {a: b}}"),
    ("metadata: {name: sa, namespace: shop}", "metadata: {name: {a: b}, namespace: [shop]}"),
]


def test_wrongly_typed_keyed_fields_are_the_schema_s_findings(tmp_path: Path) -> None:
    """Every variant in one run: each in its own namespace, so one cannot hide another."""
    documents = []
    for index, (old, new) in enumerate(HOSTILE_FIELDS):
        assert old in INDEXED, old
        documents.append(INDEXED.replace(old, new).replace("shop", f"v{index}").replace("name: cr}", f"name: cr{index}}}"))
    (tmp_path / "m.yaml").write_text("---\n".join(documents))
    run = check(tmp_path, "m.yaml", "--no-config")
    assert run.code == 1, run.stderr
    refused = [line for rule, line, _ in findings(run) if rule in ("schema-invalid", "api-rejected")]
    first = 1
    for index, document in enumerate(documents):  # each wrong value is reported in its own variant
        last = first + document.count("\n")
        assert any(first <= line < last for line in refused), HOSTILE_FIELDS[index]
        first = last + 1  # the "---" line
    assert_bounded(run, "check", cpu=10, mib=200)


# --- rule parameters and policy keywords ---------------------------------------------------

POLICY = """\
id: memory-limit-too-high
severity: warning
title: Container memory limit above the platform maximum
description: A container's memory limit is above the platform's maximum.
rationale: Very large pods fragment nodes.
remediation: Lower resources.limits.memory.
target: Container
containers: all
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

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: IMAGE
    resources: {limits: {memory: 8Gi}}
"""


def custom(tmp_path: Path, policy: str, pod: str = POD, config: str = "policies: [team]\n") -> Path:
    (tmp_path / "team").mkdir(exist_ok=True)
    (tmp_path / "team" / "p.yaml").write_text(policy)
    (tmp_path / "m.yaml").write_text(pod.replace("IMAGE", "ghcr.io/acme/web:1.0"))
    (tmp_path / ".kgen.yaml").write_text(config)
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("default: 4Gi", "default: abc"), "13:5: params.max.default: the default does not fit the parameter's own schema: "
         "'abc' is not a Kubernetes quantity (like 500m, 1, 256Mi or 1Gi)"),
        (("default: 4Gi", f"default: '{DIGITS}Mi'"), "13:5: params.max.default: the default does not fit the parameter's own "
         "schema: '9999999999999999999999999999999999999...' is a quantity of 5,000 digits: kgen reads at most 64 "
         "significant ones (the API server caps a quantity at 2^63-1 and nine decimal places)"),
        (("quantityMaximum: {$param: max}", "quantityMaximum: [1Gi]"),
         "23:15: schema.properties.resources.properties.limits.properties.memory.quantityMaximum: "
         "expected a quantity or {$param: name}, got a list of 1"),
        (("quantityMaximum: {$param: max}", "quantityMinimum: {a: 1}"),
         "23:15: schema.properties.resources.properties.limits.properties.memory.quantityMinimum: "
         "expected a quantity or {$param: name}, got a mapping"),
        (("quantityMaximum: {$param: max}", "quantityPositive: yes please"),
         "23:15: schema.properties.resources.properties.limits.properties.memory.quantityPositive: "
         "expected true or false, got 'yes please'"),
        (("quantityMaximum: {$param: max}", "quantityMaximum: {$param: [max]}"),
         "23:33: schema.properties.resources.properties.limits.properties.memory.quantityMaximum.$param: "
         "$param takes the name of a parameter, got a list of 1"),
        (("quantityMaximum: {$param: max}", "pattern: {$param: max}"),
         "10:3: params.max: parameter 'max' is a pattern here; declare it with format: regex"),
    ],
    ids=["default-abc", "default-5000-digits", "bound-a-list", "bound-a-mapping", "positive-a-string", "param-a-list", "pattern-param"],
)
def test_policy_keywords_and_defaults_of_the_wrong_type_are_refused_at_load(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    assert change[0] in POLICY
    run = run_kgen("check", "m.yaml", "-j", "1", cwd=custom(tmp_path, POLICY.replace(*change)))
    assert (run.code, run.out) == (2, ""), run.stderr
    assert run.stderr == f"kgen: {Path('team') / 'p.yaml'}:{message}\n"


# --- patterns that backtrack -----------------------------------------------------------------

PATTERN_POLICY = """\
id: image-pattern
severity: warning
title: Image matches the pattern
description: The image of a container must match the pattern.
rationale: Patterns are repository data.
remediation: Use an image that matches.
target: Container
containers: all
message: 'container "{container}" has an image that does not match'
schema:
  properties:
    image: {pattern: 'PATTERN'}
"""

EVIL = [("^(a+)+$", "a" * 34 + "!"), ("(a|a)*b", "a" * 5000), ("(.*a){20}$", "a" * 5000 + "!")]


@pytest.mark.parametrize(("pattern", "image"), EVIL, ids=["nested", "alternation", "repeated-star"])
def test_a_pattern_that_backtracks_is_matched_in_linear_time(tmp_path: Path, pattern: str, image: str) -> None:
    folder = custom(tmp_path, PATTERN_POLICY.replace("PATTERN", pattern), POD.replace("IMAGE", image))
    (folder / "m.yaml").write_text(POD.replace("IMAGE", image))
    run = check(folder, "m.yaml")
    assert run.code == 1
    assert [(rule, line) for rule, line, _ in findings(run) if rule == "image-pattern"] == [("image-pattern", 7)]
    assert_bounded(run, "check", cpu=3, mib=100)


def test_patterns_from_properties_keys_are_matched_in_linear_time(tmp_path: Path) -> None:
    policy = PATTERN_POLICY.replace(
        "  properties:\n    image: {pattern: 'PATTERN'}\n",
        "  properties:\n    env:\n      items:\n        patternProperties: {'^(a|a)*$': {type: integer}}\n"
        "        additionalProperties: {type: string}\n",
    )
    pod = POD + f"    env: [{{name: x, {'a' * 1000}!: 1}}]\n"  # a plain key: at most 1,024 characters
    folder = custom(tmp_path, policy, pod)
    (folder / "m.yaml").write_text(pod.replace("IMAGE", "ghcr.io/acme/web:1.0"))
    run = check(folder, "m.yaml")
    assert run.code == 1
    assert ("image-pattern", 9) in {(rule, line) for rule, line, _ in findings(run)}
    assert_bounded(run, "check", cpu=3, mib=100)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [("(?=a)b", "invalid perl operator: (?="), ("(a)\\1", "invalid escape sequence: \\1"), ("a{2000}", "invalid repetition size")],
    ids=["lookahead", "backreference", "repetition"],
)
def test_a_pattern_re2_refuses_is_exit_2_at_its_place(tmp_path: Path, pattern: str, reason: str) -> None:
    run = run_kgen("check", "m.yaml", "-j", "1", cwd=custom(tmp_path, PATTERN_POLICY.replace("PATTERN", pattern)))
    assert (run.code, run.out) == (2, ""), run.stderr
    assert run.stderr.startswith(f"kgen: {Path('team') / 'p.yaml'}:12:13: schema.properties.image.pattern: ")
    assert reason in run.stderr and "no backreferences or lookaround" in run.stderr


def test_a_regex_parameter_in_the_config_is_matched_in_linear_time(tmp_path: Path) -> None:
    config = "rules:\n  image-tag-scheme:\n    enabled: true\n    params:\n      schemes: [{pattern: '(a+)+'}]\n"
    (tmp_path / ".kgen.yaml").write_text(config)
    (tmp_path / "m.yaml").write_text(POD.replace("IMAGE", "ghcr.io/acme/web:" + "a" * 100 + "b"))
    run = check(tmp_path, "m.yaml")
    assert run.code == 1
    assert ("image-tag-scheme", 7) in {(rule, line) for rule, line, _ in findings(run)}
    assert_bounded(run, "check", cpu=3, mib=100)
    (tmp_path / ".kgen.yaml").write_text(config.replace("(a+)+", "(?!a)"))
    refused = run_kgen("check", "m.yaml", cwd=tmp_path)
    assert refused.code == 2 and refused.stderr.startswith("kgen: .kgen.yaml:5:"), refused.stderr
    assert "rules.image-tag-scheme.params.schemes[0].pattern" in refused.stderr


def test_a_version_parameter_with_a_huge_number_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / ".kgen.yaml").write_text(
        f"rules:\n  api-deprecated:\n    params:\n      apis: [{{apiVersion: acme.io/v1, deprecatedIn: '1.{DIGITS}'}}]\n"
    )
    (tmp_path / "m.yaml").write_text("apiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w}\n")
    run = run_kgen("check", "m.yaml", "-j", "1", cwd=tmp_path)
    assert (run.code, run.out) == (2, ""), run.stderr
    assert run.stderr.startswith("kgen: .kgen.yaml:4:") and "rules.api-deprecated.params.apis[0].deprecatedIn" in run.stderr
    assert len(run.stderr) < 400


def test_an_image_that_made_the_profile_pattern_backtrack_is_refused_quickly(tmp_path: Path) -> None:
    """``__`` is both a separator run and the double-underscore separator: the pattern had two
    readings of every ``__a``, and Python's re tried all 2^160 of them."""
    image = "ghcr.io/a" + "__a" * 160 + "!:1.0"
    (tmp_path / "p.yaml").write_text(f'name: x\ntype: web\nimage: "{image}"\n')
    run = run_kgen("render", "p.yaml", cwd=tmp_path, timeout=60)
    assert run.code == 2 and run.stderr.startswith("kgen: p.yaml:3:1: image: "), run.stderr
    assert_bounded(run, "render", cpu=3, mib=100)
    (tmp_path / "p.yaml").write_text("name: x\ntype: web\nimage: ghcr.io/acme/my__app:1.0\n")
    assert run_kgen("render", "p.yaml", cwd=tmp_path).code == 0  # still a valid repository name


def test_a_value_a_rule_quotes_whole_is_cut_in_every_message(tmp_path: Path) -> None:
    """A rule that puts the value in its message (pdb-blocks-eviction: "minAvailable is 99…%") must
    not turn a megabyte of digits into a megabyte-long line in every format."""
    for name, digits in (("pdb.yaml", "9" * 1_000_000), ("short.yaml", "999")):
        (tmp_path / name).write_text(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n"
            f'spec:\n  minAvailable: "{digits}%"\n  selector: {{matchLabels: {{app: d}}}}\n'
        )
    for form in ("text", "json", "sarif", "junit", "github", "gitlab"):
        long = run_kgen("check", "pdb.yaml", "-j", "1", "-f", form, cwd=tmp_path)
        short = run_kgen("check", "short.yaml", "-j", "1", "-f", form, cwd=tmp_path)
        assert long.code == short.code == 1
        assert len(long.stdout) - len(short.stdout) < 2_000, (form, len(long.stdout), len(short.stdout))
    run = check(tmp_path, "pdb.yaml", "-f", "json")
    (blocks,) = [f["message"] for f in json.loads(run.stdout)["findings"] if f["rule"] == "pdb-blocks-eviction"]
    assert blocks == f"minAvailable is {'9' * 100}... (1,000,001 characters): no pod may ever be evicted, so node drains and cluster upgrades hang"


def test_bounded_message_keeps_short_words_and_punctuation() -> None:
    from kgen.check.result import Finding, bounded_message

    assert bounded_message("spec.replicas: 3 is fine") == "spec.replicas: 3 is fine"
    path = "spec." + "a" * 390 + ":"  # a long field path stays whole up to 400 characters
    assert bounded_message(path + " x") == path + " x"
    assert bounded_message("v " + "x" * 401 + "), end") == "v " + "x" * 100 + "... (401 characters)), end"
    assert Finding("r", "error", "is " + "7" * 500, "f", 1, 1).message == "is " + "7" * 100 + "... (500 characters)"


def test_int_or_percent_is_scaled_as_intstr_does() -> None:
    """GetScaledValueFromIntOrPercent, the one reading of maxSurge, maxUnavailable and minAvailable."""
    assert scaled_value(3, 10, round_up=True) == 3
    assert scaled_value("25%", 10, round_up=True) == 3 and scaled_value("25%", 10, round_up=False) == 2
    assert scaled_value("20%", 10, round_up=True) == 2  # exact: no rounding either way
    assert scaled_value("100%", 7, round_up=False) == 7
    assert scaled_value("9" * 5000 + "%", 4, round_up=True) == INT64_MAX * 4 // 100 + 1  # saturates as Atoi does
    for invalid in (True, "25", " 25%", "2.5%", "²%", None, [25]):
        assert scaled_value(invalid, 10, round_up=True) is None, invalid
