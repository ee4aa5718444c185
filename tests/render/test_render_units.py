"""The pieces: presets, resources, overlays, --set, cron, labels, YAML quoting, the schema."""

from __future__ import annotations

from fractions import Fraction

import pytest
import yaml

from kgen.errors import KgenError
from kgen.model.quantity import parse_quantity
from kgen.render import profile as profile_module
from kgen.errors import ProfileError
from kgen.render.api import render_text
from kgen.render.emit import KIND_ORDER, header_app, to_yaml
from kgen.render.overlay import deep_merge, parse_set
from kgen.render.presets import SIZES, TYPES, preset, preset_table
from kgen.render.profile import image_version, scale_quantity
from kgen.resources import load_schema

WEB = "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n"


def objects(text: str, *sets: str, env: str | None = None) -> dict[str, dict]:
    result = render_text(text, "p.yaml", env=env, sets=sets)
    return {f"{o.kind}/{o.name}": dict(o.data) for o in result.objects}


def container(objs: dict[str, dict], key: str = "Deployment/shop-api") -> dict:
    spec = objs[key]["spec"]
    pod = (
        spec["jobTemplate"]["spec"]["template"]["spec"] if "jobTemplate" in spec else spec["template"]["spec"]
    )
    return pod["containers"][0]


# -- presets ------------------------------------------------------------------------


def test_medium_is_the_guides_table() -> None:
    web, batch, database = (preset(t, "medium") for t in TYPES)
    assert (web.cpu_request, web.memory_request, web.cpu_limit, web.memory_limit) == (
        "100m",
        "128Mi",
        "200m",
        "256Mi",
    )
    assert (batch.cpu_request, batch.memory_limit) == ("500m", "1Gi")
    assert (database.cpu_request, database.memory_limit) == ("1", "4Gi")
    assert database.memory_request == database.memory_limit  # databases: stable memory


@pytest.mark.parametrize("app_type", TYPES)
@pytest.mark.parametrize(("size", "factor"), [("small", Fraction(1, 2)), ("large", Fraction(2))])
def test_small_is_half_and_large_double(app_type: str, size: str, factor: Fraction) -> None:
    medium, scaled = preset(app_type, "medium"), preset(app_type, size)
    for resource in ("cpu", "memory"):
        assert parse_quantity(scaled.request(resource)) == parse_quantity(medium.request(resource)) * factor
        assert parse_quantity(scaled.limit(resource)) == parse_quantity(medium.limit(resource)) * factor


def test_every_limit_is_at_least_its_request() -> None:
    for app_type in TYPES:
        for size in SIZES:
            cell = preset(app_type, size)
            for resource in ("cpu", "memory"):
                assert parse_quantity(cell.limit(resource)) >= parse_quantity(cell.request(resource))


def test_presets_command(kgen) -> None:
    outcome = kgen("presets")
    assert outcome.code == 0
    lines = outcome.stdout.splitlines()
    assert lines[0].split() == [
        "TYPE",
        "SIZE",
        "CPU",
        "REQUEST",
        "CPU",
        "LIMIT",
        "MEMORY",
        "REQUEST",
        "MEMORY",
        "LIMIT",
    ]
    assert lines[2].split() == ["web", "medium", "100m", "200m", "128Mi", "256Mi"]
    assert len(lines) == 10
    markdown = kgen("presets", "--format", "markdown").stdout
    assert markdown == preset_table("markdown")
    assert "| database | large | 2 | 2 | 8Gi | 8Gi |" in markdown


# -- resources ----------------------------------------------------------------------


def test_profile_without_resources_gets_the_preset() -> None:
    assert container(objects(WEB))["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"cpu": "200m", "memory": "256Mi"},
    }


def test_a_request_alone_brings_its_limit_at_the_presets_ratio() -> None:
    text = WEB + "resources:\n  requests: {cpu: 250m, memory: 256Mi}\n  limits: {memory: 512Mi}\n"
    assert container(objects(text))["resources"] == {
        "requests": {"cpu": "250m", "memory": "256Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    }


def test_a_limit_alone_brings_its_request() -> None:
    text = WEB + "resources:\n  limits: {cpu: '1', memory: 1Gi}\n"
    assert container(objects(text))["resources"] == {
        "requests": {"cpu": "500m", "memory": "512Mi"},
        "limits": {"cpu": "1", "memory": "1Gi"},
    }


def test_the_cpu_limit_can_be_dropped_explicitly() -> None:
    text = WEB + "resources:\n  limits: {cpu: null}\n"
    assert container(objects(text))["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"memory": "256Mi"},
    }


def test_numbers_are_written_as_quantities() -> None:
    text = WEB + "resources:\n  requests: {cpu: 0.5, memory: 134217728}\n"
    assert container(objects(text))["resources"]["requests"] == {"cpu": "500m", "memory": "134217728"}


def test_database_requests_equal_limits() -> None:
    text = (
        "name: db\ntype: database\nimage: postgres:16.4\nport: 5432\nreplicas: 3\n"
        "resources:\n  requests: {cpu: '2'}\n"
    )
    assert container(objects(text), "StatefulSet/db")["resources"] == {
        "requests": {"cpu": "2", "memory": "4Gi"},
        "limits": {"cpu": "2", "memory": "4Gi"},
    }


@pytest.mark.parametrize(
    ("text", "factor", "memory", "expected"),
    [
        ("250m", Fraction(2), False, "500m"),
        ("1", Fraction(1, 2), False, "500m"),
        ("3", Fraction(1, 2), False, "1500m"),
        ("1Gi", Fraction(1, 2), True, "512Mi"),
        ("1G", Fraction(2), True, "2G"),
        ("100Mi", Fraction(1), True, "100Mi"),
        ("1.5Gi", Fraction(2), True, "3Gi"),
    ],
)
def test_scale_quantity(text: str, factor: Fraction, memory: bool, expected: str) -> None:
    assert scale_quantity(text, factor, memory) == expected
    assert parse_quantity(expected) == parse_quantity(text) * factor


# -- labels and objects ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "version"),
    [
        ("ghcr.io/acme/shop-api:1.4.2", "1.4.2"),
        ("localhost:5000/shop:3f2a9c1-dev", "3f2a9c1-dev"),
        ("shop@sha256:" + "a" * 64, None),
        ("shop:1.0@sha256:" + "a" * 64, "1.0"),
        ("shop:v1.0-", None),  # a tag may end in '-', a label value may not
        ("shop:" + "a" * 64, None),
    ],
)
def test_version_label_from_the_image_tag(image: str, version: str | None) -> None:
    assert image_version(image) == version


def test_selectors_use_only_labels_that_never_change() -> None:
    objs = objects(WEB)
    stable = {"app.kubernetes.io/name": "shop-api", "app.kubernetes.io/instance": "shop-api"}
    assert objs["Deployment/shop-api"]["spec"]["selector"] == {"matchLabels": stable}
    assert objs["Service/shop-api"]["spec"]["selector"] == stable
    assert objs["PodDisruptionBudget/shop-api"]["spec"]["selector"] == {"matchLabels": stable}
    for obj in objs.values():
        assert obj["metadata"]["labels"] == {
            "app.kubernetes.io/name": "shop-api",
            "app.kubernetes.io/instance": "shop-api",
            "app.kubernetes.io/version": "1.4.2",
            "app.kubernetes.io/component": "web",
            "app.kubernetes.io/managed-by": "kgen",
        }


def test_deployment_has_no_replicas_while_an_hpa_manages_it() -> None:
    assert "replicas" not in objects(WEB)["Deployment/shop-api"]["spec"]
    fixed = objects(WEB + "autoscale: false\nreplicas: {min: 3}\n")
    assert fixed["Deployment/shop-api"]["spec"]["replicas"] == 3
    assert "HorizontalPodAutoscaler/shop-api" not in fixed


def test_hpa_defaults_follow_the_guide() -> None:
    spec = objects(WEB)["HorizontalPodAutoscaler/shop-api"]["spec"]
    assert (spec["minReplicas"], spec["maxReplicas"]) == (2, 10)
    assert spec["metrics"] == [
        {
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}},
        }
    ]


def test_liveness_cannot_restart_a_starting_container() -> None:
    probes = container(objects(WEB))
    startup, live, ready = probes["startupProbe"], probes["livenessProbe"], probes["readinessProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 60  # startupSeconds default
    assert (
        live["periodSeconds"] * live["failureThreshold"] > ready["periodSeconds"] * ready["failureThreshold"]
    )
    for probe in (startup, live, ready):
        assert probe["timeoutSeconds"] < probe["periodSeconds"]
        assert probe["httpGet"]["port"] == "http"


def test_readiness_path_can_differ() -> None:
    probes = container(objects(WEB + "health: {path: /livez, readinessPath: /readyz}\n"))
    assert probes["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert probes["startupProbe"]["httpGet"]["path"] == "/livez"
    assert probes["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_rollout_keeps_full_capacity() -> None:
    strategy = objects(WEB)["Deployment/shop-api"]["spec"]["strategy"]
    assert strategy == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}


def test_security_defaults_and_relaxing_them() -> None:
    objs = objects(WEB)
    pod = objs["Deployment/shop-api"]["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 65532,
        "runAsGroup": 65532,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert pod["containers"][0]["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert {"name": "tmp", "mountPath": "/tmp"} in pod["containers"][0]["volumeMounts"]
    relaxed = objects(
        WEB + "security: {runAsNonRoot: false, readOnlyRootFilesystem: false, allowPrivilegeEscalation: true,"
        " seccompProfile: Unconfined, capabilities: {drop: [], add: [NET_ADMIN]},"
        " automountServiceAccountToken: true}\n"
    )
    pod = relaxed["Deployment/shop-api"]["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is True
    assert pod["securityContext"] == {"runAsNonRoot": False, "seccompProfile": {"type": "Unconfined"}}
    assert pod["containers"][0]["securityContext"] == {
        "allowPrivilegeEscalation": True,
        "readOnlyRootFilesystem": False,
        "capabilities": {"add": ["NET_ADMIN"]},
    }


def test_object_order_is_helms_install_order() -> None:
    database = "name: db\ntype: database\nimage: postgres:16.4\nport: 5432\nreplicas: 3\n"
    kinds = [
        o.kind
        for o in render_text(WEB + "---\n" + database + "---\nname: job\ntype: batch\nimage: a/b:1\n").objects
    ]
    assert kinds == sorted(kinds, key=KIND_ORDER.index)
    assert kinds[:2] == ["PodDisruptionBudget", "PodDisruptionBudget"]
    assert kinds[-1] == "Job"


def test_header_recognises_only_kgen_files() -> None:
    assert (
        header_app('# Generated by kgen from app "shop-api". Edit the profile, not this file.') == "shop-api"
    )
    assert header_app("# Generated by kgen from app shop-api") is None
    assert header_app("apiVersion: v1") is None


# -- overlays and --set -------------------------------------------------------------


def test_deep_merge() -> None:
    base = {"replicas": {"min": 2, "max": 10}, "env": {"A": "1"}, "command": ["a", "b"]}
    overlay = {"replicas": {"max": 20}, "env": {"B": "2"}, "command": ["c"]}
    assert deep_merge(base, overlay) == {
        "replicas": {"min": 2, "max": 20},
        "env": {"A": "1", "B": "2"},
        "command": ["c"],
    }
    assert base["replicas"] == {"min": 2, "max": 10}  # inputs untouched


def test_environment_overlay() -> None:
    text = WEB + "environments:\n  prod: {size: large, replicas: {min: 3, max: 20}}\n"
    objs = objects(text, env="prod")
    assert objs["HorizontalPodAutoscaler/shop-api"]["spec"]["minReplicas"] == 3
    assert container(objs)["resources"]["requests"] == {"cpu": "200m", "memory": "256Mi"}


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("replicas.min=3", ("replicas", "min"), 3),
        ("autoscale=false", ("autoscale",), False),
        ("image=ghcr.io/acme/shop-api:3f2a9c1-dev", ("image",), "ghcr.io/acme/shop-api:3f2a9c1-dev"),
        ("env.LOG_LEVEL=debug", ("env", "LOG_LEVEL"), "debug"),
        ("env.X=", ("env", "X"), ""),
        ("env.X=a: b", ("env", "X"), "a: b"),
        ("env.X=#1", ("env", "X"), "#1"),
        ("command=[sleep, '10']", ("command",), ["sleep", "10"]),
        (r"podAnnotations.prometheus\.io/scrape=true", ("podAnnotations", "prometheus.io/scrape"), True),
        ("resources.limits.cpu=null", ("resources", "limits", "cpu"), None),
    ],
)
def test_parse_set(text: str, path: tuple[str, ...], value: object) -> None:
    override = parse_set(text)
    assert (override.path, override.value) == (path, value)


def test_set_applies_after_env() -> None:
    text = WEB + "environments:\n  prod: {replicas: {min: 3, max: 20}}\n"
    objs = objects(text, "replicas.min=5", "image=ghcr.io/acme/shop-api:3f2a9c1-dev", env="prod")
    spec = objs["HorizontalPodAutoscaler/shop-api"]["spec"]
    assert (spec["minReplicas"], spec["maxReplicas"]) == (5, 20)
    assert objs["Deployment/shop-api"]["metadata"]["labels"]["app.kubernetes.io/version"] == "3f2a9c1-dev"


def test_set_with_an_empty_key_is_refused() -> None:
    with pytest.raises(KgenError, match="has an empty key"):
        parse_set("replicas..min=3")


# -- cron ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule",
    ["0 3 * * *", "*/15 * * * *", "30 2 * * MON-FRI", "0 0 1 jan,jul ?", "@hourly", "0-30/5 8-18 * * 1-5", "? * * * *"],
)
def test_valid_schedules(schedule: str) -> None:
    assert schedule_issues(schedule) == []


# The CronJob API's own words (robfig/cron v3's standard parser), as check reports them too.
@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        ("60 * * * *", "minute field: end of range (60) above maximum (59): 60"),
        ("* * 0 * *", "day of month field: beginning of range (0) below minimum (1): 0"),
        ("* * * 13 *", "month field: end of range (13) above maximum (12): 13"),
        ("* * * * 7", "day of week field: end of range (7) above maximum (6): 7"),
        ("*/0 * * * *", "minute field: step of range should be a positive number: */0"),
        ("5-1 * * * *", "minute field: beginning of range (5) beyond end of range (1): 5-1"),
    ],
)
def test_invalid_schedules(schedule: str, problem: str) -> None:
    assert schedule_issues(schedule) == [f"schedule: {schedule!r}: {problem}"]


# The profile's schema takes the shape first: five fields or a descriptor, no @every, no TZ= prefix (job.timeZone).
@pytest.mark.parametrize("schedule", ["@fortnightly", "* * * *", "@every 90m", "TZ=Europe/Berlin 0 3 * * *"])
def test_schedules_of_another_shape(schedule: str) -> None:
    assert schedule_issues(schedule) == [
        f"schedule: {schedule!r} is not a cron schedule: five fields like \"0 3 * * *\", or @hourly, @daily, @weekly, @monthly, @yearly"
    ]


def test_an_unknown_time_zone_is_refused() -> None:
    text = 'name: nightly\ntype: batch\nimage: ghcr.io/acme/n:1.0\nschedule: "0 3 * * *"\njob: {timeZone: Mars/Olympus}\n'
    with pytest.raises(ProfileError) as error:
        render_text(text, "p.yaml")
    assert str(error.value) == "p.yaml:5:7: job.timeZone: unknown time zone Mars/Olympus (not in the IANA time zone database)"


def schedule_issues(schedule: str) -> list[str]:
    text = f"name: nightly\ntype: batch\nimage: ghcr.io/acme/n:1.0\nschedule: {schedule!r}\n"
    try:
        render_text(text, "p.yaml")
    except ProfileError as error:
        return [str(error).removeprefix("p.yaml:4:1: ")]
    return []


# -- YAML output ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        "no",
        "on",
        "off",
        "y",
        "~",
        "null",
        "true",
        "1:20",
        "0x1F",
        "0o17",
        "1e3",
        "1.0",
        "2024-01-01",
        "=",
        "+1",
        ".inf",
        "*a",
        "&a",
        "@x",
        "- x",
        "a: b",
        "",
        " padded ",
    ],
)
def test_strings_read_back_as_strings(value: str) -> None:
    text = to_yaml({"value": value})
    assert yaml.safe_load(text) == {"value": value}


def test_output_style() -> None:
    assert to_yaml({"a": {"b": [{"c": 1, "d": [1, 2]}], "e": {}}}) == (
        "a:\n  b:\n    - c: 1\n      d:\n        - 1\n        - 2\n  e: {}\n"
    )


# -- the schema and the code agree ----------------------------------------------------


def test_schema_defaults_match_the_code() -> None:
    definitions = load_schema("profile.schema.json")["definitions"]
    assert definitions["size"]["default"] == profile_module.DEFAULT_SIZE
    assert definitions["storage"]["default"] == profile_module.DEFAULT_STORAGE
    assert definitions["dataPath"]["default"] == profile_module.DEFAULT_DATA_PATH
    assert definitions["autoscale"]["default"] == profile_module.DEFAULT_AUTOSCALE
    assert definitions["health"]["properties"]["path"]["default"] == profile_module.DEFAULT_HEALTH_PATH
    replicas = definitions["replicas"]["properties"]
    assert {key: replicas[key]["default"] for key in ("min", "max")} == profile_module.DEFAULT_REPLICAS
    job = definitions["job"]["properties"]
    assert {key: job[key]["default"] for key in job} == profile_module.DEFAULT_JOB
    security = definitions["security"]["properties"]
    assert {
        key: security[key]["default"] for key in profile_module.DEFAULT_SECURITY
    } == profile_module.DEFAULT_SECURITY
    capabilities = security["capabilities"]["properties"]
    assert {
        key: capabilities[key]["default"] for key in ("drop", "add")
    } == profile_module.DEFAULT_CAPABILITIES


def test_every_field_is_described() -> None:
    schema = load_schema("profile.schema.json")
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    for name in schema["properties"]:
        definition = schema["definitions"].get(name, schema["properties"][name])
        assert definition.get("description"), name


def test_schema_is_valid_draft7() -> None:
    import jsonschema

    jsonschema.Draft7Validator.check_schema(load_schema("profile.schema.json"))


def test_an_object_kubernetes_would_refuse_is_a_bug_not_output(kgen, tmp_path, monkeypatch) -> None:
    import kgen.render.kinds as kinds

    real = kinds.BUILDERS["web"]

    def broken(profile):  # type: ignore[no-untyped-def]
        built = real(profile)
        built[0]["spec"]["maxUnavailabel"] = 1
        return built

    monkeypatch.setitem(kinds.BUILDERS, "web", broken)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").write_text(WEB, encoding="utf-8")
    outcome = kgen("render", "p.yaml", "-o", "out")
    assert outcome.code == 3
    from kgen.model.kubeschema import latest_version

    assert outcome.stderr == (
        f"kgen: rendered PodDisruptionBudget/shop-api is not valid for Kubernetes {latest_version()}: "
        "spec.maxUnavailabel: unknown field 'maxUnavailabel'; "
        "this is a bug in kgen, please report it with the profile\n"
    )
    assert not (tmp_path / "out").exists()
