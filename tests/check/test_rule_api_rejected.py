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


# --- PodDisruptionBudget, HorizontalPodAutoscaler ----------------------------------------------


def pdb(spec: str) -> str:
    return f"""
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  selector:
    matchLabels: {{app: web}}
{spec}"""


def test_a_budget_with_both_fields_is_reported_at_the_second_besides_its_value(tmp_path: Path) -> None:
    text = pdb("  minAvailable: 50%\n  maxUnavailable: 150%\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "maxUnavailable"), "error", 'spec.maxUnavailable: "150%" must not be greater than 100%'),
        (RULE, *loc(text, "maxUnavailable"), "error", "spec.maxUnavailable: minAvailable and maxUnavailable cannot be both set"),
    ]


@pytest.mark.parametrize("value", ["0", "0%", "100%", "'7'"])
def test_budget_values_at_the_edges(tmp_path: Path, value: str) -> None:
    got = findings(tmp_path, pdb(f"  minAvailable: {value}\n"))
    if value == "'7'":  # a quoted number is a string, and a string must be a percentage
        assert [f[4] for f in got] == [
            "spec.minAvailable: \"7\": a valid percent string must be a numeric string followed by an ending '%' "
            "(e.g. '1%', or '93%')"
        ]
    else:
        assert got == []


def hpa(spec: str, api_version: str = "autoscaling/v2") -> str:
    return f"""
apiVersion: {api_version}
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
{spec}"""


def test_min_replicas_zero_is_refused_as_scale_to_zero_is_an_alpha_gate(tmp_path: Path) -> None:
    text = hpa("  minReplicas: 0\n  maxReplicas: 0\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "minReplicas"), "error",
         "spec.minReplicas: 0 must be greater than or equal to 1 "
         "(0 needs the HPAScaleToZero feature gate, alpha and off by default)"),
        (RULE, *loc(text, "maxReplicas"), "error", "spec.maxReplicas: 0 must be greater than 0"),
    ]


def test_max_below_min_is_reported_at_max_replicas_and_equal_passes(tmp_path: Path) -> None:
    text = hpa("  minReplicas: 4\n  maxReplicas: 3\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "maxReplicas"), "error", "spec.maxReplicas: 3 must be greater than or equal to `minReplicas` (4)"),
    ]
    assert findings(tmp_path, hpa("  minReplicas: 3\n  maxReplicas: 3\n")) == []


def test_only_the_first_populated_source_is_validated_and_the_others_are_forbidden(tmp_path: Path) -> None:
    text = hpa(
        "  maxReplicas: 3\n  metrics:\n    - type: Pods\n"
        "      pods:\n        metric: {name: rps}\n        target: {type: AverageValue}\n"
        "      resource:\n        name: cpu\n        target: {type: Utilization, averageUtilization: 0}\n"
    )
    assert findings(tmp_path, text) == [  # the resource's averageUtilization 0 is never looked at
        (RULE, *loc(text, "target: {type: AverageValue}"), "error",
         "spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue"),
        (RULE, *loc(text, "resource:"), "error",
         "spec.metrics[0].resource: Forbidden: must populate the given metric source only (pods)"),
    ]


def test_the_v1_cpu_target_is_judged_as_the_converted_utilization(tmp_path: Path) -> None:
    text = hpa("  maxReplicas: 3\n  targetCPUUtilizationPercentage: 0\n", "autoscaling/v1")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "targetCPUUtilizationPercentage"), "error",
         "spec.targetCPUUtilizationPercentage: 0 must be greater than 0"),
    ]


# --- CronJob ------------------------------------------------------------------------------------


def cronjob(schedule: str, time_zone: str = "") -> str:
    zone = f"\n  timeZone: {time_zone}" if time_zone else ""
    return f"""
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "{schedule}"{zone}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: job
              image: busybox:1.36
"""


@pytest.mark.parametrize(
    ("version", "time_zone", "expected"),
    [
        ("1.28", "", []),
        ("1.28", "UTC", ["spec.schedule: cannot use both timeZone field and TZ or CRON_TZ in schedule"]),
        ("1.29", "", [
            "spec.schedule: cannot use TZ or CRON_TZ in schedule, use timeZone field instead "
            "(refused at create from Kubernetes 1.29; target 1.29)"
        ]),
    ],
)
def test_a_tz_prefix_is_refused_with_time_zone_and_on_its_own_from_1_29(
    tmp_path: Path, version: str, time_zone: str, expected: list[str]
) -> None:
    text = cronjob("TZ=Asia/Tokyo 0 9 * * 1-5", time_zone)
    assert [f[4] for f in findings(tmp_path, text, kubernetes_version=version)] == expected


def test_a_tz_prefix_naming_no_zone_is_a_parse_error_before_1_29(tmp_path: Path) -> None:
    text = cronjob("CRON_TZ=Mars/Olympus 0 9 * * *")
    assert findings(tmp_path, text, kubernetes_version="1.28") == [
        (RULE, *loc(text, "schedule"), "error",
         'spec.schedule: invalid cron schedule "CRON_TZ=Mars/Olympus 0 9 * * *": '
         "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"),
    ]


def test_time_zones_are_iana_names_of_the_tz_database(tmp_path: Path) -> None:
    text = cronjob("0 9 * * *", "America/New_Yrok")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "timeZone"), "error",
         "spec.timeZone: unknown time zone America/New_Yrok (not in the IANA time zone database)"),
    ]
    for name in ("Europe/Kyiv", "Etc/GMT-14", "US/Pacific", "UTC"):
        assert findings(tmp_path, cronjob("0 9 * * *", name)) == [], name


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "timeZone must be nil or non-empty string"),
        ("local", "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"),
        ("../../etc/passwd", "unknown time zone ../../etc/passwd"),
        ("America/Argentina_Buenos_Aires", "unknown time zone America/Argentina_Buenos_Aires"),  # a part over 14
        ("localtime", "unknown time zone localtime (not in the IANA time zone database)"),  # a system file, no zone
        ("Europe/Paris", None),
    ],
)
def test_time_zone_problems(name: str, problem: str | None) -> None:
    from kgen.check.validation.batch import time_zone_problem

    assert time_zone_problem(name) == problem


@pytest.mark.parametrize(
    ("schedule", "error"),
    [
        ("*/5 * * * *", None),
        ("0 0 29 feb *", None),
        ("0 12 * JAN-Mar sun,SAT", None),
        ("*-5 * * * *", None),  # after a star nothing is read, as robfig/cron does
        ("0 0 1,,15 * *", None),  # empty list entries are dropped
        ("5/15 * * * *", None),  # N/step runs from N to the maximum
        ("@midnight", None),
        ("@every 1.5h", None),
        ("@every 0", None),
        ("TZ=Local 0 9 * * *", None),  # Go's LoadLocation knows Local (a timeZone field may not say it)
        ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
        ("0 24 * * *", "end of range (24) above maximum (23): 24"),
        ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("0 0 * 13 *", "end of range (13) above maximum (12): 13"),
        ("30-10 * * * *", "beginning of range (30) beyond end of range (10): 30-10"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("*/5/2 * * * *", "too many slashes: */5/2"),
        ("*/-1 * * * *", "negative number (-1) not allowed: -1"),
        ("x * * * *", "failed to parse int from x"),
        ("0 0 * * mon-fry", "failed to parse int from fry"),
        ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
        ("", "empty spec string"),
        (" @hourly", "expected exactly 5 fields, found 1: [@hourly]"),
        ("@Hourly", "unrecognized descriptor: @Hourly"),
        ("@every 90", 'failed to parse duration @every 90: time: missing unit in duration "90"'),
        ("@every 5 minutes", 'failed to parse duration @every 5 minutes: time: unknown unit " minutes" in duration "5 minutes"'),
        ("TZ=UTC", "the time zone prefix 'TZ=UTC' is not followed by a schedule"),
    ],
)
def test_the_cron_parser_reads_schedules_as_robfig_cron_does(schedule: str, error: str | None) -> None:
    from kgen.check.validation.batch import zone_exists
    from kgen.model.cron import CronError, parse_schedule

    if error is None:
        parse_schedule(schedule, zone_exists)
    else:
        with pytest.raises(CronError) as raised:
            parse_schedule(schedule, zone_exists)
        assert str(raised.value) == error


# --- Service ------------------------------------------------------------------------------------


def service(spec: str) -> str:
    return f"""
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {{app: web}}
{spec}"""


def test_service_port_names_are_dns_labels_where_target_port_names_are_iana_names(tmp_path: Path) -> None:
    text = service(
        "  ports:\n"
        "    - {name: metrics-for-prometheus, port: 9090, targetPort: metrics-for-prometheus}\n"
        "    - {name: http, port: 80, targetPort: '8080'}\n"
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "targetPort: metrics"), "error",
         'spec.ports[0].targetPort: "metrics-for-prometheus": must be no more than 15 characters'),
        (RULE, *loc(text, "targetPort: '8080'"), "error",
         'spec.ports[1].targetPort: "8080": must contain at least one letter (a-z)'),
    ]


def test_the_same_port_is_a_duplicate_for_the_same_protocol_only(tmp_path: Path) -> None:
    text = service(
        "  ports:\n"
        "    - {name: dns, port: 53, protocol: UDP}\n"
        "    - {name: dns-tcp, port: 53}\n"
        "    - {name: dns-again, port: 53, protocol: TCP}\n"
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "port: 53, protocol: TCP"), "error",
         "spec.ports[2].port: Duplicate value: port 53/TCP is also spec.ports[1]"),
    ]


def test_an_unset_type_is_cluster_ip_for_node_ports(tmp_path: Path) -> None:
    text = service("  type: ''\n  ports:\n    - {port: 80, nodePort: 30080}\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "nodePort"), "error",
         "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
    ]


# --- Ingress ------------------------------------------------------------------------------------


def ingress(service_name: str) -> str:
    return f"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {{name: {service_name}, port: {{number: 80}}}}
"""


@pytest.mark.parametrize(("version", "refused"), [("1.35", True), ("1.36", False)])
def test_a_backend_service_name_may_start_with_a_digit_from_1_36(tmp_path: Path, version: str, refused: bool) -> None:
    text = ingress("9web")
    expected = [
        (RULE, *loc(text, "name: 9web"), "error",
         'spec.rules[0].http.paths[0].backend.service.name: "9web": a DNS-1035 label must consist of lower case '
         "alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric "
         "character (e.g. 'my-name', or 'abc-123')"),
    ]
    assert findings(tmp_path, text, kubernetes_version=version) == (expected if refused else [])


def test_ingresses_of_the_retired_beta_versions_are_left_to_api_deprecated(tmp_path: Path) -> None:
    text = ingress("web").replace("networking.k8s.io/v1", "networking.k8s.io/v1beta1").replace("pathType: Prefix", "")
    assert findings(tmp_path, text) == []


# --- ConfigMap and Secret -----------------------------------------------------------------------


def test_a_config_map_may_hold_1_mib_and_not_one_byte_more(tmp_path: Path) -> None:
    limit = 1024 * 1024
    fits = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: {'x' * (limit - 3)}\nbinaryData:\n  b: eHh4\n"
    assert findings(tmp_path, fits) == []
    over = fits.replace("eHh4", "eHh4eA==")
    assert findings(tmp_path, over) == [
        (RULE, 5, 1, "error",
         f"data and binaryData: Too long: must have at most {limit} bytes (1 MiB) in total; "
         f"the values add up to {limit + 1} bytes"),
    ]


def test_a_secret_counts_string_data_over_the_data_it_replaces(tmp_path: Path) -> None:
    limit = 1024 * 1024
    big = "x" * limit
    text = f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\ndata:\n  a: eHh4\nstringData:\n  a: {big}\n"
    assert findings(tmp_path, text) == []  # stringData's "a" replaces data's: exactly 1 MiB
    text = text.replace("  a: eHh4", "  b: eA==")
    assert [f[4] for f in findings(tmp_path, text)] == [
        f"data (with stringData): Too long: must have at most {limit} bytes (1 MiB) in total; "
        f"the values add up to {limit + 1} bytes"
    ]


@pytest.mark.parametrize(
    ("value", "decodes"),
    [("c2VjcmV0", True), ("c2Vj\n  cmV0", True), ("", True), ("c2VjcmV0=", False), ("c2VjcmV", False), ("c2V-cmV0", False)],
)
def test_data_values_decode_as_the_api_server_decodes_base64(value: str, decodes: bool) -> None:
    from kgen.check.validation.config import decode_base64

    assert (decode_base64(value.replace("\n  ", "\n")) is not None) == decodes


def test_no_message_shows_a_secret_value(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kgen.cli import cli

    fixture = Path(__file__).parents[2] / "fixtures" / "policies" / "api-rejected" / "fail-config.yaml"
    values = ["s3cr3t-v4lue", "c2VjcmV0", "LS0tLS1CRUdJTg", '"an", "object"', "ops-7731"]  # the fixture's Secret values
    for output in ("text", "json", "sarif"):
        result = CliRunner().invoke(cli, ["check", str(fixture), "--no-config", "--format", output, "--fail-on", "never"])
        assert result.exit_code == 0, result.output
        assert result.output.count("api-rejected") >= 10
        for value in values:
            assert value not in result.output, (output, value)
