"""Property tests: any profile the schema accepts renders deterministically, to objects
that validate against Kubernetes (strict) and read back unchanged from the YAML; a
profile that uses none of the documented relaxations checks clean with `kgen check`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgen.errors import KgenError, ProfileError
from kgen.model.kubeschema import KubeSchemas, latest_version
from kgen.load.yamlload import load_text
from kgen.render.api import render_text
from kgen.render.emit import to_yaml
from kgen.resources import load_schema

from tests.conftest import examples

SETTINGS = settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALIDATOR = jsonschema.Draft7Validator(load_schema("profile.schema.json"))
SCHEMAS = KubeSchemas(latest_version())

label = st.from_regex(r"[a-z]([a-z0-9-]{0,14}[a-z0-9])?", fullmatch=True)
tag = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True).filter(lambda t: t != "latest")
digest = st.from_regex(r"@sha256:[a-f0-9]{64}", fullmatch=True)
repository = st.lists(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=3).map("/".join)
registry = st.sampled_from(["", "ghcr.io/", "registry.example.com:5000/", "localhost/"])
image = st.one_of(
    st.builds(lambda r, p, t: f"{r}{p}:{t}", registry, repository, tag),
    st.builds(lambda r, p, d: f"{r}{p}{d}", registry, repository, digest),
    st.builds(lambda r, p, t, d: f"{r}{p}:{t}{d}", registry, repository, tag, digest),
)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
scalar = st.one_of(
    text, st.integers(-(10**6), 10**6), st.booleans(), st.floats(allow_nan=False, allow_infinity=False)
)
env_name = st.from_regex(r"[A-Z_][A-Z0-9_]{0,12}", fullmatch=True)
qualified_key = st.one_of(label, st.builds(lambda p, n: f"{p}.io/{n}", label, label))
label_value = st.from_regex(r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,20}[A-Za-z0-9])?)?", fullmatch=True)
abs_path = st.lists(
    st.from_regex(r"[a-z0-9._-]{1,8}", fullmatch=True).filter(lambda s: s not in (".", "..")),
    min_size=1,
    max_size=3,
).map(lambda parts: "/" + "/".join(parts))
millicores = st.integers(1, 4000)
effect = st.sampled_from(["NoSchedule", "PreferNoSchedule", "NoExecute"])
toleration = st.one_of(
    st.fixed_dictionaries({"operator": st.just("Exists")}, optional={"key": qualified_key, "effect": effect}),
    st.fixed_dictionaries(
        {"key": qualified_key, "operator": st.just("Equal"), "value": label_value},
        optional={"effect": effect},
    ),
    st.fixed_dictionaries(
        {"key": qualified_key, "effect": st.just("NoExecute"), "tolerationSeconds": st.integers(0, 86400)}
    ),
)
mebibytes = st.integers(16, 8192)


@st.composite
def resources(draw: st.DrawFn, relaxed: bool) -> dict[str, Any]:
    """Requests and limits as a profile sets them: each of the four fields optional, limit >= request."""
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    for resource, base, unit in (("cpu", millicores, "m"), ("memory", mebibytes, "Mi")):
        request = draw(base)
        form = draw(
            st.sampled_from(
                ["none", "request", "limit", "both"] + (["no-limit"] if relaxed and resource == "cpu" else [])
            )
        )
        if form in ("request", "both", "no-limit"):
            requests[resource] = f"{request}{unit}"
        if form in ("limit", "both"):
            limits[resource] = f"{request * draw(st.integers(1, 4))}{unit}"
        if form == "no-limit":
            limits[resource] = None
    result: dict[str, Any] = {}
    if requests:
        result["requests"] = requests
    if limits:
        result["limits"] = limits
    return result


@st.composite
def common(draw: st.DrawFn, app_type: str, relaxed: bool) -> dict[str, Any]:
    profile: dict[str, Any] = {"name": draw(label), "type": app_type, "image": draw(image)}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "namespace": label,
        "size": st.sampled_from(["small", "medium", "large"]),
        "resources": resources(relaxed),
        "env": st.dictionaries(
            env_name,
            st.one_of(
                scalar,
                st.builds(lambda s, k: {"secret": s, "key": k}, label, label),
                st.just({"field": "metadata.name"}),
            ),
            max_size=4,
        ),
        "command": st.lists(text, min_size=1, max_size=3),
        "args": st.lists(text, min_size=1, max_size=3),
        "annotations": st.dictionaries(qualified_key, scalar, max_size=3),
        "podAnnotations": st.dictionaries(qualified_key, scalar, max_size=3),
        "labels": st.dictionaries(qualified_key, label_value, max_size=3),
        "partOf": label,
        "serviceAccount": label,
        "nodeSelector": st.dictionaries(qualified_key, label_value, max_size=2),
        "tolerations": st.lists(toleration, max_size=2),
        "priorityClass": label,
        "imagePullSecrets": st.lists(label, max_size=2, unique=True),
        "terminationGraceSeconds": st.integers(1, 3600),
        "writablePaths": st.lists(
            abs_path.filter(lambda p: p != "/tmp" and p != "/data"), max_size=3, unique=True
        ),
        "security": security(relaxed),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            profile[key] = draw(strategy)
    if relaxed is False and "security" not in profile:
        profile["security"] = {}
    return profile


@st.composite
def security(draw: st.DrawFn, relaxed: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if draw(st.booleans()):
        result["runAsUser"] = draw(st.integers(1, 65535))
    if draw(st.booleans()):
        result["fsGroup"] = draw(st.integers(1, 65535))
    if relaxed:
        for key, values in {
            "runAsNonRoot": [True, False],
            "readOnlyRootFilesystem": [True, False],
            "allowPrivilegeEscalation": [False, True],
            "seccompProfile": ["RuntimeDefault", "Unconfined"],
            "automountServiceAccountToken": [False, True],
        }.items():
            if draw(st.booleans()):
                result[key] = draw(st.sampled_from(values))
        if draw(st.booleans()):
            result["capabilities"] = {
                "drop": draw(st.sampled_from([[], ["ALL"], ["NET_RAW"]])),
                "add": draw(st.sampled_from([[], ["NET_BIND_SERVICE"]])),
            }
        if result.get("runAsNonRoot") is False and draw(st.booleans()):
            result["runAsUser"] = 0
    return result


def ports(draw: st.DrawFn, main: int) -> list[dict[str, Any]]:
    numbers = draw(st.lists(st.integers(1, 65535).filter(lambda n: n != main), max_size=3, unique=True))
    names = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True).filter(lambda n: n not in ("http", "tcp")),
            min_size=len(numbers),
            max_size=len(numbers),
            unique=True,
        )
    )
    return [{"name": name, "port": number} for name, number in zip(names, numbers, strict=True)]


@st.composite
def web(draw: st.DrawFn, relaxed: bool) -> dict[str, Any]:
    profile = draw(common("web", relaxed))
    port = draw(st.integers(1, 65535))
    if draw(st.booleans()):
        profile["port"] = port
    else:
        port = 8080
    if draw(st.booleans()):
        profile["extraPorts"] = ports(draw, port)
    if draw(st.booleans()):
        profile["health"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "path": st.just("/healthz"),
                    "readinessPath": st.just("/ready"),
                    "startupSeconds": st.integers(30, 3600),
                },
            )
        )
    autoscale = draw(
        st.one_of(
            st.none(),
            st.just(False),
            st.fixed_dictionaries(
                {}, optional={"cpu": st.integers(20, 90), "memory": st.integers(20, 90)}
            ).filter(bool),
        )
    )
    if autoscale is not None:
        profile["autoscale"] = autoscale
    low = draw(st.integers(1 if (autoscale is False and relaxed) else 2, 99))
    high = draw(st.integers(low + 1, 100))
    profile["replicas"] = {"min": low, "max": high} if draw(st.booleans()) or low > 9 or high < 3 else {}
    if not profile["replicas"]:
        del profile["replicas"]
    if draw(st.booleans()):
        profile["spread"] = draw(st.booleans())
    return profile


@st.composite
def batch(draw: st.DrawFn, relaxed: bool) -> dict[str, Any]:
    profile = draw(common("batch", relaxed))
    cron = draw(st.booleans())
    if cron:
        profile["schedule"] = draw(
            st.one_of(
                st.sampled_from(["@hourly", "@daily", "0 3 * * *", "*/5 * * * MON-FRI"]),
                st.builds(lambda m, h: f"{m} {h} * * *", st.integers(0, 59), st.integers(0, 23)),
            )
        )
    job_fields: dict[str, st.SearchStrategy[Any]] = {
        "backoffLimit": st.integers(0, 100),
        "activeDeadlineSeconds": st.integers(1, 604800),
        "ttlSecondsAfterFinished": st.integers(0, 2592000),
        "restartPolicy": st.sampled_from(["Never", "OnFailure"]),
    }
    if cron:
        job_fields.update(
            concurrencyPolicy=st.sampled_from(["Forbid", "Replace", "Allow"]),
            startingDeadlineSeconds=st.integers(10, 86400),
            successfulJobsHistoryLimit=st.integers(0, 100),
            failedJobsHistoryLimit=st.integers(0, 100),
            timeZone=st.sampled_from(["Etc/UTC", "Europe/Berlin", "America/New_York"]),
        )
    if draw(st.booleans()):
        profile["job"] = draw(st.fixed_dictionaries({}, optional=job_fields))
    return profile


@st.composite
def database(draw: st.DrawFn, relaxed: bool) -> dict[str, Any]:
    profile = draw(common("database", relaxed))
    profile["port"] = port = draw(st.integers(1, 65535))
    profile["replicas"] = draw(st.integers(1 if relaxed else 2, 100))
    if draw(st.booleans()):
        profile["extraPorts"] = ports(draw, port)
    if draw(st.booleans()):
        profile["health"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "exec": st.lists(text, min_size=1, max_size=3),
                    "startupSeconds": st.integers(30, 3600),
                },
            )
        )
    optional = {
        "storage": st.builds(lambda n: f"{n}Gi", st.integers(1, 1000)),
        "storageClass": label,
        "dataPath": st.just("/var/lib/data"),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            profile[key] = draw(strategy)
    if draw(st.booleans()):
        profile["spread"] = draw(st.booleans())
    return profile


def profiles(relaxed: bool) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(web(relaxed), batch(relaxed), database(relaxed))


def render(profile: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    # kgen's writer quotes what go-yaml v2 would read as non-text (PyYAML writes `y` plain)
    result = render_text(to_yaml(profile), "generated.yaml")
    return result.stream_text, [dict(o.data) for o in result.objects]


@SETTINGS
@given(profiles(relaxed=True))
def test_valid_profiles_render_deterministically_and_validate(profile: dict[str, Any]) -> None:
    assert VALIDATOR.is_valid(profile), list(VALIDATOR.iter_errors(profile))
    first, objects = render(profile)
    second, _ = render(profile)
    assert first == second
    for obj in objects:
        assert list(SCHEMAS.problems(obj)) == []
    assert list(yaml.safe_load_all(first)) == objects  # the text reads back as the objects
    assert [doc.data for doc in load_text(first, "out.yaml")] == objects  # as kubectl reads it too


RELAXATIONS = {
    "run-as-root": lambda p: p.get("security", {}).get("runAsNonRoot") is False,
    "privilege-escalation": lambda p: p.get("security", {}).get("allowPrivilegeEscalation") is True,
    "writable-root-filesystem": lambda p: p.get("security", {}).get("readOnlyRootFilesystem") is False,
    "capabilities-not-dropped": lambda p: (
        "ALL" not in p.get("security", {}).get("capabilities", {}).get("drop", ["ALL"])
    ),
    "cpu-limits-missing": lambda p: p.get("resources", {}).get("limits", {}).get("cpu", "") is None,
    "replicas-single": lambda p: (
        p.get("replicas") == 1 or (p.get("autoscale") is False and p.get("replicas", {}).get("min", 2) == 1)
    ),
    "spread-missing": lambda p: p.get("spread") is False,
    "seccomp-profile": lambda p: p.get("security", {}).get("seccompProfile") == "Unconfined",
    "service-account-token-mounted": lambda p: p.get("security", {}).get("automountServiceAccountToken") is True,
    "default-service-account": lambda p: p.get("security", {}).get("automountServiceAccountToken") is True,
}


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(relaxed=True))
def test_rendered_output_checks_clean_but_for_explicit_relaxations(profile: dict[str, Any]) -> None:
    from kgen.check.engine import CheckOptions, run_check

    stream, _ = render(profile)
    allowed = {rule for rule, used in RELAXATIONS.items() if used(profile)}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rendered.yaml"
        path.write_text(stream, encoding="utf-8")
        result = run_check(CheckOptions(paths=(str(path),), discover_config=False, fail_on="info"))
    unexpected = [f"{f.rule}: {f.message}" for f in result.active if f.rule not in allowed]
    assert unexpected == []


@st.composite
def loose_profiles(draw: st.DrawFn) -> dict[str, Any]:
    """Schema-valid profiles whose values need not fit together (limits, min/max, ports)."""
    profile = draw(profiles(relaxed=True))
    if draw(st.booleans()):
        profile["resources"] = {
            "requests": {
                "cpu": draw(st.sampled_from(["1m", "0.0001", "250m", "2"])),
                "memory": draw(st.sampled_from(["1", "64Mi", "1Gi"])),
            },
            "limits": {
                "cpu": draw(st.sampled_from(["1m", "100m", "4"])),
                "memory": draw(st.sampled_from(["32Mi", "2Gi"])),
            },
        }
    if profile["type"] == "web" and draw(st.booleans()):
        profile["replicas"] = {"min": draw(st.integers(2, 100)), "max": draw(st.integers(1, 100))}
    if profile["type"] != "batch" and draw(st.booleans()):
        profile["extraPorts"] = [
            {
                "name": draw(st.sampled_from(["http", "tcp", "metrics"])),
                "port": draw(st.sampled_from([8080, 9090])),
            }
        ]
    if draw(st.booleans()):
        profile["writablePaths"] = draw(
            st.lists(
                st.sampled_from(["/tmp", "/tmp/", "/data", "/", "/var//x", "/var/x"]), max_size=3, unique=True
            )
        )
    return profile


@SETTINGS
@given(loose_profiles())
def test_no_valid_profile_crashes(profile: dict[str, Any]) -> None:
    """Whatever the schema lets through renders, or fails with a located ProfileError (exit 2)."""
    assert VALIDATOR.is_valid(profile)
    try:
        render(profile)
    except ProfileError as exc:
        assert exc.exit_code == 2
        assert exc.location is not None and exc.location.file == "generated.yaml"
        assert exc.field


@settings(max_examples=examples(60), deadline=None)
@given(st.text(max_size=200))
def test_any_text_fails_only_with_kgen_errors(text_input: str) -> None:
    try:
        render_text(text_input, "fuzz.yaml")
    except KgenError as exc:
        assert exc.exit_code == 2


@settings(max_examples=examples(60), deadline=None)
@given(st.text(max_size=60))
def test_any_set_option_fails_only_with_kgen_errors(option: str) -> None:
    profile = "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\n"
    try:
        render_text(profile, "p.yaml", sets=(option,))
    except KgenError as exc:
        assert exc.exit_code == 2
