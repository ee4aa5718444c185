"""api-rejected: what the API server's validation refuses beyond the schema, with exact findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "api-rejected"

SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')"
)


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def config_map(metadata: str) -> str:
    return f"""
apiVersion: v1
kind: ConfigMap
metadata:
{metadata}
data:
  mode: fast
"""


def pod(containers: str, extra: str = "", kind: str = "Pod") -> str:
    return f"""
apiVersion: v1
kind: {kind}
metadata:
  name: app
spec:
  containers:
{containers}{extra}"""


# --- names, labels, annotations ---------------------------------------------------------------


def test_a_label_value_of_63_characters_passes_and_64_is_refused_at_its_key(tmp_path: Path) -> None:
    text = config_map(f"  name: settings\n  labels:\n    fits: {'a' * 63}\n    long: {'b' * 64}\n    empty: ''\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "long:"), "error",
         f'metadata.labels: value "{"b" * 64}" of label "long": must be no more than 63 characters'),
    ]


def test_label_keys_prefix_and_name_parts_are_judged_apart(tmp_path: Path) -> None:
    text = config_map(
        "  name: settings\n  labels:\n"
        "    example.com/Tier_1: x\n"        # a prefix, capitals and '_' in the name part: fine
        "    Example.com/tier: x\n"          # the prefix must be a lowercase DNS subdomain
        f"    example.com/{'n' * 64}: x\n"   # the name part is at most 63, whatever the prefix
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "Example.com/tier"), "error",
         f'metadata.labels: label key "Example.com/tier": prefix part {SUBDOMAIN}'),
        (RULE, *loc(text, "example.com/nnn"), "error",
         f'metadata.labels: label key "example.com/{"n" * 64}": name part must be no more than 63 characters'),
    ]


def test_annotation_keys_are_compared_in_lower_case_and_their_total_is_limited(tmp_path: Path) -> None:
    fits = "x" * (256 * 1024 - len("a") - len("Example.COM/Owner") - len("team"))
    text = config_map(f"  name: settings\n  annotations:\n    Example.COM/Owner: team\n    a: {fits}\n")
    assert findings(tmp_path, text) == []
    over = config_map(f"  name: settings\n  annotations:\n    Example.COM/Owner: team\n    a: {fits}x\n")
    assert findings(tmp_path, over) == [
        (RULE, *loc(over, "annotations:"), "error",
         "metadata.annotations: Too long: must have at most 262144 bytes (the keys and values total 262145 bytes)"),
    ]


def test_template_labels_and_selector_match_labels_are_labels_too(tmp_path: Path) -> None:
    text = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web, track: "stable!"}
  template:
    metadata:
      labels: {app: web, track: "stable!"}
    spec:
      containers:
        - name: web
          image: nginx:1.27.1
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "track", 1), "error",
         f'spec.selector.matchLabels: value "stable!" of label "track": {LABEL_VALUE}'),
        (RULE, *loc(text, "track", 2), "error",
         f'spec.template.metadata.labels: value "stable!" of label "track": {LABEL_VALUE}'),
    ]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.35", ['metadata.name: "1st-web" is not a DNS-1035 label: a DNS-1035 label must consist of lower case '
                  "alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric "
                  "character (e.g. 'my-name', or 'abc-123')"]),
        ("1.36", []),  # RelaxedServiceNameValidation on by default: a DNS-1123 label may start with a digit
    ],
)
def test_a_service_name_may_start_with_a_digit_from_1_36(tmp_path: Path, version: str, expected: list[str]) -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1st-web\nspec:\n  ports: [{port: 80}]\n"
    assert [f[4] for f in findings(tmp_path, text, kubernetes_version=version)] == expected


@pytest.mark.parametrize(("version", "refused"), [("1.26", False), ("1.27", True)])
def test_statefulset_names_are_dns_labels_from_1_27(tmp_path: Path, version: str, refused: bool) -> None:
    text = """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db.primary
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: postgres:16.4
"""
    expected = [(RULE, *loc(text, "name: db.primary"), "error",
                 'metadata.name: "db.primary" is not a DNS-1123 label: must not contain dots')]
    assert findings(tmp_path, text, kubernetes_version=version) == (expected if refused else [])


def test_generate_name_may_end_in_a_dash_and_a_name_is_required_without_it(tmp_path: Path) -> None:
    generated = config_map("  generateName: settings-\n")
    assert findings(tmp_path, generated) == []
    nameless = config_map("  labels: {app: web}\n")
    assert findings(tmp_path, nameless) == [
        (RULE, *loc(nameless, "metadata:"), "error", "metadata.name: Required value: name or generateName is required"),
    ]


def test_rbac_names_are_path_segments_and_cluster_scoped_namespaces_are_dropped(tmp_path: Path) -> None:
    text = """
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregate-to-view:widgets
  namespace: not.a.label
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: widgets/reader
  namespace: team.a
rules: []
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: widgets/reader"), "error",
         "metadata.name: \"widgets/reader\" is not a path segment: may not contain '/'"),
        (RULE, *loc(text, "namespace: team.a"), "error",
         'metadata.namespace: "team.a" is not a DNS-1123 label: must not contain dots'),
    ]


def test_job_and_cronjob_names_leave_room_for_what_their_controllers_derive(tmp_path: Path) -> None:
    job = """
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:{manual}
  template:
    metadata:
      labels: {{job: x}}
    spec:
      restartPolicy: Never
      containers:
        - name: x
          image: busybox:1.36
"""
    long_name = "j" * 64
    text = job.format(name=long_name, manual="")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: jjj"), "error",
         "metadata.name: must be no more than 63 characters: the Job's pods are labelled job-name with it, "
         "and a label value is at most 63 (spec.template.labels is refused)"),
    ]
    manual = job.format(name=long_name, manual="\n  manualSelector: true\n  selector:\n    matchLabels: {job: x}")
    assert findings(tmp_path, manual) == []


def test_objects_of_no_kubernetes_api_version_are_not_judged(tmp_path: Path) -> None:
    text = "apiVersion: 0.1.0\nkind: ksonnet.io/app\nname: demo\n"
    assert findings(tmp_path, text) == []


# --- pod specs ---------------------------------------------------------------------------------


def test_an_ephemeral_container_may_not_reuse_an_app_container_name(tmp_path: Path) -> None:
    text = pod(
        "    - {name: app, image: nginx:1.27.1}\n",
        "  initContainers:\n    - {name: app, image: busybox:1.36}\n"
        "  ephemeralContainers:\n    - {name: app, image: busybox:1.36}\n    - {name: debug, image: busybox:1.36}\n",
    )
    unique = "container names must be unique across initContainers, containers and ephemeralContainers"
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: app", 3), "error",  # the first is the pod's own name
         f'spec.initContainers[0].name: Duplicate value: "app" ({unique}; spec.containers[0] has it)'),
        (RULE, *loc(text, "name: app", 4), "error",
         f'spec.ephemeralContainers[0].name: Duplicate value: "app" ({unique}; spec.containers[0] has it)'),
    ]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.31", ['spec.containers[0].env[0].name: "1ST_TRY": a valid environment variable name must consist of '
                  "alphabetic characters, digits, '_', '-', or '.', and must not start with a digit "
                  "(e.g. 'my.env-name', or 'MY_ENV.NAME', or 'MyEnvName1')",
                  "spec.containers[0].env[1].name: \"..hidden\": must not start with '..'"]),
        ("1.32", []),  # RelaxedEnvironmentVariableValidation, on by default: any printable ASCII but '='
    ],
)
def test_env_var_names_as_the_target_version_validates_them(tmp_path: Path, version: str, expected: list[str]) -> None:
    text = pod("    - name: app\n      image: nginx:1.27.1\n      env:\n"
               "        - {name: 1ST_TRY, value: a}\n        - {name: ..hidden, value: b}\n")
    assert [f[4] for f in findings(tmp_path, text, kubernetes_version=version)] == expected


def test_an_equals_sign_is_never_allowed_in_an_env_var_name_or_prefix(tmp_path: Path) -> None:
    text = pod("    - name: app\n      image: nginx:1.27.1\n      env:\n        - {name: A=B, value: a}\n"
               "      envFrom:\n        - {prefix: X=, configMapRef: {name: settings}}\n")
    relaxed = "a valid environment variable name must consist only of printable ASCII characters other than '='"
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: A=B"), "error", f'spec.containers[0].env[0].name: "A=B": {relaxed}'),
        (RULE, *loc(text, "prefix: X="), "error", f'spec.containers[0].envFrom[0].prefix: "X=": {relaxed}'),
    ]


def test_a_port_name_of_15_characters_passes_and_16_is_refused(tmp_path: Path) -> None:
    text = pod("    - name: app\n      image: nginx:1.27.1\n      ports:\n"
               "        - {name: fifteen-chars-x, containerPort: 80}\n"
               "        - {name: sixteen-chars-xx, containerPort: 81}\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: sixteen"), "error",
         'spec.containers[0].ports[1].name: "sixteen-chars-xx" is not a valid port name (an IANA service name): '
         "must be no more than 15 characters"),
    ]


def test_success_threshold_zero_is_unset_and_readiness_may_need_several(tmp_path: Path) -> None:
    text = pod("    - name: app\n      image: nginx:1.27.1\n"
               "      livenessProbe: {tcpSocket: {port: 80}, successThreshold: 0}\n"
               "      readinessProbe: {tcpSocket: {port: 80}, successThreshold: 3}\n"
               "      startupProbe: {tcpSocket: {port: 80}, successThreshold: 2}\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "successThreshold: 2"), "error",
         "spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1"),
    ]


def test_a_job_with_no_restart_policy_gets_always_and_is_refused(tmp_path: Path) -> None:
    text = """
apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  template:
    spec:
      containers:
        - name: once
          image: busybox:1.36
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "spec:", 2), "error",
         'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never" '
         '(unset, it defaults to "Always", which a Job does not allow)'),
    ]


def test_a_statefulset_mounts_its_claim_templates_and_its_pods_are_refused_later(tmp_path: Path) -> None:
    text = """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: postgres:16.4
          volumeMounts:
            - {name: data, mountPath: /data}
            - {name: wal, mountPath: /data}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""
    later = " (the API server accepts the StatefulSet, then refuses every pod created from it)"
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "name: wal"), "error",
         'spec.template.spec.containers[0].volumeMounts[1].name: Not found: "wal" '
         f"(no volume or volumeClaimTemplate has this name){later}"),
        (RULE, *loc(text, "mountPath: /data", 2), "error",
         'spec.template.spec.containers[0].volumeMounts[1].mountPath: "/data": must be unique '
         f"(another volumeMount of the container uses it){later}"),
    ]


def test_sys_admin_is_only_refused_spelt_cap_sys_admin(tmp_path: Path) -> None:
    text = pod("    - name: app\n      image: nginx:1.27.1\n      securityContext:\n"
               "        allowPrivilegeEscalation: false\n        capabilities: {add: [SYS_ADMIN, CAP_SYS_ADMIN]}\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "CAP_SYS_ADMIN"), "error",
         "spec.containers[0].securityContext.capabilities.add[1]: cannot set `allowPrivilegeEscalation` to false "
         "and `capabilities.Add` CAP_SYS_ADMIN"),
    ]


# --- one finding per problem: schema-invalid first -----------------------------------------------


def test_a_misspelt_probe_handler_is_the_schemas_unknown_field_once(tmp_path: Path) -> None:
    text = pod("    - name: app\n      image: nginx:1.27.1\n      livenessProbe:\n        httpget: {path: /, port: 80}\n")
    result = check(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in result.findings if f.rule in (RULE, "schema-invalid")] == [
        ("schema-invalid", *loc(text, "httpget")),
    ]
    alone = findings(tmp_path, text, schema_validation=False)
    assert alone == [
        (RULE, *loc(text, "livenessProbe"), "error",
         "spec.containers[0].livenessProbe: Required value: must specify a handler type "
         "(one of exec, httpGet, tcpSocket, grpc)"),
    ]


def test_a_schema_problem_deeper_in_the_field_does_not_hide_another_refusal(tmp_path: Path) -> None:
    text = pod("    - {name: app, image: nginx:1.27.1}\n",
               "  initContainers:\n    - name: init\n      image: busybox:1.36\n"
               "      readinessProbe:\n        exec: {command: [true]}\n")
    result = check(tmp_path, text)
    assert [(f.rule, f.line, f.column) for f in result.findings if f.rule in (RULE, "schema-invalid")] == [
        (RULE, *loc(text, "readinessProbe")),
        ("schema-invalid", *loc(text, "true")),
    ]
