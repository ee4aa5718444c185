"""A validated profile as typed, frozen data, with every default filled in.

``build_profile`` takes profile data the schema has accepted, runs the checks
the schema cannot express (quantities compared, min below max, ports unique,
cron values in range) and returns a ``Profile``; a problem is an ``Issue``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable, Iterator, Mapping

from kgen.load.yamlload import FieldPath
from kgen.model.cron import CronError, parse_schedule, time_zone_problem, zone_exists
from kgen.model.dockerimage import ImageUser
from kgen.model.duration import seconds as duration_seconds
from kgen.model.k8s import parse_image
from kgen.model.quantity import QuantityError, format_quantity, parse_quantity
from kgen.render.paths import backsteps, folder_path
from kgen.render.presets import RESOURCES, Preset, preset
from kgen.render.schema import Issue
from kgen.render.traffic import (
    Config,
    Expose,
    Network,
    check_config,
    check_expose,
    check_network,
    config,
    expose,
    network,
)

TMP_PATH = "/tmp"
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_MIN_CPU = Fraction(1, 1000)


class ProfileIssues(Exception):
    """Problems found while building a profile (the caller locates them)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues[0].message)
        self.issues = issues


@dataclass(frozen=True)
class TypeDefaults:
    """Defaults that differ by app type."""

    port: int | None
    port_name: str
    startup_seconds: int
    termination_grace_seconds: int


TYPE_DEFAULTS = {
    "web": TypeDefaults(port=8080, port_name="http", startup_seconds=60, termination_grace_seconds=30),
    "batch": TypeDefaults(port=None, port_name="", startup_seconds=0, termination_grace_seconds=30),
    "database": TypeDefaults(port=None, port_name="tcp", startup_seconds=300, termination_grace_seconds=120),
}
DEFAULT_SIZE = "medium"
#: Seconds a terminating Service-backed pod keeps serving while endpoints stop routing to it.
DEFAULT_DRAIN_SECONDS = 10
DEFAULT_HEALTH_PATH = "/healthz"
DEFAULT_REPLICAS = {"min": 2, "max": 10}
DEFAULT_AUTOSCALE = {"cpu": 50}
DEFAULT_STORAGE = "10Gi"
DEFAULT_DATA_PATH = "/data"
DEFAULT_JOB: dict[str, Any] = {
    "backoffLimit": 3,
    "activeDeadlineSeconds": 3600,
    "ttlSecondsAfterFinished": 86400,
    "restartPolicy": "Never",
    "concurrencyPolicy": "Forbid",
    "startingDeadlineSeconds": 300,
    "successfulJobsHistoryLimit": 3,
    "failedJobsHistoryLimit": 3,
    "timeZone": "Etc/UTC",
}
CRON_ONLY = (
    "concurrencyPolicy",
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
    "timeZone",
)
DEFAULT_SECURITY: dict[str, Any] = {
    "runAsNonRoot": True,
    "readOnlyRootFilesystem": True,
    "allowPrivilegeEscalation": False,
    "seccompProfile": "RuntimeDefault",
    "automountServiceAccountToken": False,
}
DEFAULT_CAPABILITIES: dict[str, list[str]] = {"drop": ["ALL"], "add": []}
#: The user (and group) id pods run as under runAsNonRoot unless the profile names one: the
#: "nonroot" user of distroless and Chainguard images, unused by every common base image's system users.
DEFAULT_USER = 65532
#: ``security.runAsUser: image``: run as the image's own USER (which must then be numeric and not 0).
IMAGE_USER = "image"


@dataclass(frozen=True)
class Port:
    name: str
    number: int
    protocol: str = "TCP"


@dataclass(frozen=True)
class Health:
    """How the app is probed: ``http`` (paths), ``tcp`` (the main port) or ``exec``."""

    kind: str
    liveness_path: str = ""
    readiness_path: str = ""
    command: tuple[str, ...] = ()
    startup_seconds: int = 60


@dataclass(frozen=True)
class MetricTarget:
    """A custom (per-pod) or external metric the autoscaler follows."""

    metric: str
    selector: Pairs
    average_value: str | None
    value: str | None = None


@dataclass(frozen=True)
class Autoscale:
    cpu: int | None
    memory: int | None
    pods: MetricTarget | None = None
    external: MetricTarget | None = None
    scale_down_seconds: int = 300
    scale_up_seconds: int = 0


@dataclass(frozen=True)
class Scaling:
    """Pod count: between min and max under an autoscaler, else fixed at min."""

    min: int
    max: int
    autoscale: Autoscale | None


@dataclass(frozen=True)
class Resources:
    cpu_request: str
    memory_request: str
    cpu_limit: str | None
    memory_limit: str


@dataclass(frozen=True)
class EnvVar:
    """A value; a key of an existing Secret (``secret``) or ConfigMap (``configMap``);
    or a field of the pod (``field``, ref_name is its path)."""

    name: str
    value: str | None = None
    ref_kind: str | None = None
    ref_name: str = ""
    ref_key: str = ""


@dataclass(frozen=True)
class Toleration:
    key: str | None
    operator: str
    value: str | None
    effect: str | None
    seconds: int | None


@dataclass(frozen=True)
class Security:
    run_as_non_root: bool
    run_as_user: int | None
    run_as_group: int | None
    fs_group: int | None
    read_only_root_filesystem: bool
    allow_privilege_escalation: bool
    seccomp_profile: str
    drop: tuple[str, ...]
    add: tuple[str, ...]
    automount_token: bool


@dataclass(frozen=True)
class ServiceAccount:
    """Who the pods run as: ``name`` (None: the namespace's ``default``), and whether kgen renders it."""

    name: str | None
    create: bool


@dataclass(frozen=True)
class JobSettings:
    backoff_limit: int
    active_deadline_seconds: int
    ttl_seconds_after_finished: int
    restart_policy: str
    concurrency_policy: str
    starting_deadline_seconds: int
    successful_history: int
    failed_history: int
    time_zone: str


@dataclass(frozen=True)
class Storage:
    size: str
    storage_class: str | None
    path: str


Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Alert:
    """One entry of ``monitoring.alerts``, its values as written in the profile (``above: 5%``, ``for: 2m``)."""

    name: str  # errorRate, latency, cpu, memory, restarts, autoscalerAtMax
    above: str | None = None
    for_: str | None = None
    within: str | None = None
    quantile: str | None = None


@dataclass(frozen=True)
class Monitoring:
    """What Prometheus scrapes (``port`` is a port name of the app) and the alerts on it (``()``: none)."""

    port: str
    path: str
    interval: str
    alerts: tuple[Alert, ...]
    requests_metric: str
    duration_metric: str
    environment: str  # the env label: the --env name, DEFAULT_ENVIRONMENT without one



@dataclass(frozen=True)
class Profile:
    """One app, every field decided."""

    name: str
    type: str
    image: str
    version: str | None
    namespace: str | None
    size: str
    port: Port | None
    extra_ports: tuple[Port, ...]
    health: Health | None
    scaling: Scaling | None
    resources: Resources
    env: tuple[EnvVar, ...]
    command: tuple[str, ...]
    args: tuple[str, ...]
    annotations: Pairs
    pod_annotations: Pairs
    labels: Pairs
    part_of: str | None
    service_account: ServiceAccount
    node_selector: Pairs
    tolerations: tuple[Toleration, ...]
    priority_class: str | None
    image_pull_secrets: tuple[str, ...]
    spread: bool
    termination_grace_seconds: int
    drain_seconds: int
    writable_paths: tuple[str, ...]
    security: Security
    schedule: str | None
    job: JobSettings | None
    storage: Storage | None
    network: Network | None
    config: Config | None
    expose: Expose | None
    monitoring: Monitoring | None

    @property
    def ports(self) -> tuple[Port, ...]:
        """The main port first, then the extra ones."""
        return ((self.port,) if self.port else ()) + self.extra_ports


def build_profile(data: Mapping[str, Any], env: str | None = None, image_user: ImageUser | None = None) -> Profile:
    """A Profile from schema-valid data (rendered for ``--env env``; ``image_user``: the USER of the
    image ``build.dockerfile`` builds); raises ProfileIssues for what the schema cannot check."""
    issues = [issue for check in CHECKS for issue in check(data)]
    if issues:
        raise ProfileIssues(issues)
    app_type: str = data["type"]
    defaults = TYPE_DEFAULTS[app_type]
    size = str(data.get("size", DEFAULT_SIZE))
    resources, resource_issues = resolve_resources(data, preset(app_type, size))
    if resource_issues:
        raise ProfileIssues(resource_issues)
    return Profile(
        name=data["name"],
        type=app_type,
        image=data["image"],
        version=image_version(data["image"]),
        namespace=data.get("namespace"),
        size=size,
        port=_main_port(data, defaults),
        extra_ports=tuple(
            Port(item["name"], int(item["port"]), item.get("protocol", "TCP"))
            for item in data.get("extraPorts", [])
        ),
        health=HEALTH_BUILDERS[app_type](data.get("health", {}), defaults),
        scaling=SCALING_BUILDERS[app_type](data),
        resources=resources,
        env=tuple(_env_var(name, value) for name, value in data.get("env", {}).items()),
        command=tuple(data.get("command", ())),
        args=tuple(data.get("args", ())),
        annotations=_pairs(data.get("annotations", {})),
        pod_annotations=_pairs(data.get("podAnnotations", {})),
        labels=_pairs(data.get("labels", {})),
        part_of=data.get("partOf"),
        service_account=_service_account(data.get("serviceAccount", DEFAULT_SERVICE_ACCOUNT), data["name"]),
        node_selector=_pairs(data.get("nodeSelector", {})),
        tolerations=tuple(_toleration(item) for item in data.get("tolerations", [])),
        priority_class=data.get("priorityClass"),
        image_pull_secrets=tuple(data.get("imagePullSecrets", ())),
        spread=bool(data.get("spread", True)) and app_type != "batch",
        termination_grace_seconds=int(
            data.get("terminationGraceSeconds", defaults.termination_grace_seconds)
        ),
        drain_seconds=int(data.get("shutdown", {}).get("drainSeconds", DEFAULT_DRAIN_SECONDS)) if app_type != "batch" else 0,
        writable_paths=tuple(folder_path(path) for path in data.get("writablePaths", ())),
        security=_security(data.get("security", {}), app_type, image_user),
        schedule=data.get("schedule"),
        job=_job(data.get("job", {})) if app_type == "batch" else None,
        storage=_storage(data) if app_type == "database" else None,
        network=network(data.get("network")),
        config=config(data.get("config")),
        expose=expose(data.get("expose")),
        monitoring=_monitoring(data, defaults, env),
    )


# -- pieces -------------------------------------------------------------------------


def image_version(image: str) -> str | None:
    """The image tag when it is a valid label value; None for a digest-only reference."""
    tag = parse_image(image).tag
    if tag is None or len(tag) > 63 or not _LABEL_VALUE.match(tag):
        return None
    return tag


def _main_port(data: Mapping[str, Any], defaults: TypeDefaults) -> Port | None:
    number = data.get("port", defaults.port)
    if number is None or not defaults.port_name:
        return None
    return Port(defaults.port_name, int(number))


def _http_health(health: Mapping[str, Any], defaults: TypeDefaults) -> Health:
    path = health.get("path", DEFAULT_HEALTH_PATH)
    return Health(
        kind="http",
        liveness_path=path,
        readiness_path=health.get("readinessPath", path),
        startup_seconds=int(health.get("startupSeconds", defaults.startup_seconds)),
    )


def _database_health(health: Mapping[str, Any], defaults: TypeDefaults) -> Health:
    command = tuple(health.get("exec", ()))
    return Health(
        kind="exec" if command else "tcp",
        command=command,
        startup_seconds=int(health.get("startupSeconds", defaults.startup_seconds)),
    )


def _no_health(health: Mapping[str, Any], defaults: TypeDefaults) -> None:
    return None


HEALTH_BUILDERS: dict[str, Callable[[Mapping[str, Any], TypeDefaults], Health | None]] = {
    "web": _http_health,
    "batch": _no_health,
    "database": _database_health,
}


def _web_scaling(data: Mapping[str, Any]) -> Scaling:
    replicas = {**DEFAULT_REPLICAS, **data.get("replicas", {})}
    autoscale = data.get("autoscale", DEFAULT_AUTOSCALE)
    targets = None
    if autoscale is not False:
        if not any(key in autoscale for key in METRIC_KEYS):
            autoscale = {**DEFAULT_AUTOSCALE, **autoscale}  # only behavior given: the default target
        behavior = {**DEFAULT_BEHAVIOR, **autoscale.get("behavior", {})}
        targets = Autoscale(
            cpu=_opt_int(autoscale.get("cpu")),
            memory=_opt_int(autoscale.get("memory")),
            pods=_metric(autoscale.get("pods")),
            external=_metric(autoscale.get("external")),
            scale_down_seconds=int(duration_seconds(behavior["scaleDownStabilization"])),
            scale_up_seconds=int(duration_seconds(behavior["scaleUpStabilization"])),
        )
    return Scaling(int(replicas["min"]), int(replicas["max"]), targets)


#: The autoscale keys that name a metric to follow (the rest tunes how it follows).
METRIC_KEYS = ("cpu", "memory", "pods", "external")
DEFAULT_BEHAVIOR = {"scaleDownStabilization": "300s", "scaleUpStabilization": "0s"}
#: The longest stabilization window the API server accepts (one hour).
MAX_STABILIZATION_SECONDS = 3600


def _metric(data: Mapping[str, Any] | None) -> MetricTarget | None:
    if data is None:
        return None
    average, value = data.get("averageValue"), data.get("value")
    return MetricTarget(
        metric=data["metric"],
        selector=_pairs(data.get("selector", {})),
        average_value=None if average is None else quantity_text(average, memory=False),
        value=None if value is None else quantity_text(value, memory=False),
    )


def _fixed_scaling(data: Mapping[str, Any]) -> Scaling:
    count = int(data["replicas"])
    return Scaling(count, count, None)


def _no_scaling(data: Mapping[str, Any]) -> None:
    return None


SCALING_BUILDERS: dict[str, Callable[[Mapping[str, Any]], Scaling | None]] = {
    "web": _web_scaling,
    "batch": _no_scaling,
    "database": _fixed_scaling,
}


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def scalar_text(value: Any) -> str:
    """A YAML scalar as the text Kubernetes expects (true/false, numbers as written)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


ENV_REFERENCES = ("secret", "configMap", "field")


def _env_var(name: str, value: Any) -> EnvVar:
    if isinstance(value, dict):
        kind = next(kind for kind in ENV_REFERENCES if kind in value)
        return EnvVar(name, ref_kind=kind, ref_name=value[kind], ref_key=value.get("key", ""))
    return EnvVar(name, value=scalar_text(value))


def _pairs(mapping: Mapping[str, Any]) -> Pairs:
    return tuple(sorted((str(key), scalar_text(value)) for key, value in mapping.items()))


def _toleration(item: Mapping[str, Any]) -> Toleration:
    return Toleration(
        key=item.get("key"),
        operator=item.get("operator", "Equal"),
        value=item.get("value"),
        effect=item.get("effect"),
        seconds=_opt_int(item.get("tolerationSeconds")),
    )


def _security(data: Mapping[str, Any], app_type: str, image_user: ImageUser | None = None) -> Security:
    merged = {**DEFAULT_SECURITY, **data}
    capabilities = {**DEFAULT_CAPABILITIES, **data.get("capabilities", {})}
    user, group = merged.get("runAsUser"), merged.get("runAsGroup")
    if user is None and merged["runAsNonRoot"] and image_user is not None and image_user.kind == "numeric":
        # the Dockerfile's own numeric USER (and its numeric group; else the image's /etc/passwd decides)
        user = image_user.uid
        if group is None:
            group = image_user.gid
    elif user is None and merged["runAsNonRoot"]:
        # runAsNonRoot alone fails at start for an image whose USER is a name or root (the kubelet
        # cannot verify a name); a numeric id runs any image that does not need a particular user.
        user = DEFAULT_USER
        if group is None:
            group = DEFAULT_USER
    if user == IMAGE_USER:
        user = None
    fs_group = merged.get("fsGroup")
    if fs_group is None and app_type == "database":
        fs_group = group if group is not None else user  # the data volume writable by the database's user
    return Security(
        run_as_non_root=bool(merged["runAsNonRoot"]),
        run_as_user=_opt_int(user),
        run_as_group=_opt_int(group),
        fs_group=_opt_int(fs_group),
        read_only_root_filesystem=bool(merged["readOnlyRootFilesystem"]),
        allow_privilege_escalation=bool(merged["allowPrivilegeEscalation"]),
        seccomp_profile=str(merged["seccompProfile"]),
        drop=tuple(capabilities["drop"]),
        add=tuple(capabilities["add"]),
        automount_token=bool(merged["automountServiceAccountToken"]),
    )


DEFAULT_SERVICE_ACCOUNT: dict[str, Any] = {"create": True}


def _service_account(value: str | Mapping[str, Any], app: str) -> ServiceAccount:
    """A string names an existing account; ``{create: true}`` one of the app's own; ``{create: false}`` the default."""
    if isinstance(value, str):
        return ServiceAccount(value, create=False)
    if value["create"]:
        return ServiceAccount(value.get("name", app), create=True)
    return ServiceAccount(None, create=False)


def _job(data: Mapping[str, Any]) -> JobSettings:
    merged = {**DEFAULT_JOB, **data}
    return JobSettings(
        backoff_limit=int(merged["backoffLimit"]),
        active_deadline_seconds=int(merged["activeDeadlineSeconds"]),
        ttl_seconds_after_finished=int(merged["ttlSecondsAfterFinished"]),
        restart_policy=merged["restartPolicy"],
        concurrency_policy=merged["concurrencyPolicy"],
        starting_deadline_seconds=int(merged["startingDeadlineSeconds"]),
        successful_history=int(merged["successfulJobsHistoryLimit"]),
        failed_history=int(merged["failedJobsHistoryLimit"]),
        time_zone=merged["timeZone"],
    )


#: The alerts of ``monitoring.alerts``, in output order, with their defaults (schemas/profile.schema.json).
DEFAULT_ALERTS: dict[str, dict[str, Any]] = {
    "errorRate": {"above": "5%", "for": "2m"},
    "latency": {"quantile": 0.99, "above": "500ms", "for": "5m"},
    "cpu": {"above": "80%", "for": "5m"},
    "memory": {"above": "80%", "for": "3m"},
    "restarts": {"above": 3, "within": "15m"},
    "autoscalerAtMax": {"for": "15m"},
}
#: Alerts on the app's own HTTP metrics: a database gets them only when the profile writes them.
HTTP_ALERTS = ("errorRate", "latency")
DEFAULT_METRICS = {"requests": "http_requests_total", "duration": "http_request_duration_seconds"}
DEFAULT_MONITORING: dict[str, Any] = {"path": "/metrics", "interval": "30s"}
#: The env label of alerts rendered without --env.
DEFAULT_ENVIRONMENT = "default"


def _monitoring(data: Mapping[str, Any], defaults: TypeDefaults, env: str | None) -> Monitoring | None:
    given = data.get("monitoring")
    if given is None:
        return None
    merged = {**DEFAULT_MONITORING, **given}
    metrics = {**DEFAULT_METRICS, **given.get("metrics", {})}
    written = given.get("alerts", True)
    alerts: list[Alert] = []
    for name, entry_defaults in DEFAULT_ALERTS.items() if written is not False else ():
        entry = written.get(name, True) if isinstance(written, Mapping) else True
        if entry is False or (entry is True and name in HTTP_ALERTS and data["type"] == "database"):
            continue
        values = {**entry_defaults, **(entry if isinstance(entry, Mapping) else {})}
        alerts.append(
            Alert(
                name,
                above=_opt_text(values.get("above")),
                for_=values.get("for"),
                within=values.get("within"),
                quantile=_opt_text(values.get("quantile")),
            )
        )
    return Monitoring(
        port=merged.get("port", defaults.port_name),
        path=merged["path"],
        interval=merged["interval"],
        alerts=tuple(alerts),
        requests_metric=metrics["requests"],
        duration_metric=metrics["duration"],
        environment=env if env is not None else DEFAULT_ENVIRONMENT,
    )


def _opt_text(value: Any) -> str | None:
    return None if value is None else scalar_text(value)


def _storage(data: Mapping[str, Any]) -> Storage:
    return Storage(
        size=quantity_text(data.get("storage", DEFAULT_STORAGE), memory=True),
        storage_class=data.get("storageClass"),
        path=folder_path(data.get("dataPath", DEFAULT_DATA_PATH)),
    )


# -- resources ----------------------------------------------------------------------


def quantity_text(value: Any, memory: bool) -> str:
    """A quantity as a string: numbers written the canonical way (0.5 -> 500m)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return format_quantity(parse_quantity(value), memory)


_NUMBER_SUFFIX = re.compile(
    r"^(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[kMGTPE]|m)?$"
)
_SMALLER = {"Ki": "", "Mi": "Ki", "Gi": "Mi", "Ti": "Gi", "Pi": "Ti", "Ei": "Pi"}


def scale_quantity(text: str, factor: Fraction, memory: bool) -> str:
    """``text`` times ``factor``, keeping the unit where the result stays whole (250m x 2 = 500m)."""
    if factor == 1:
        return text
    match = _NUMBER_SUFFIX.match(text)
    if match is not None:
        suffix = match["suffix"] or ""
        value = Fraction(match["number"]) * factor
        if value.denominator == 1:
            return f"{value.numerator}{suffix}"
        if suffix in _SMALLER and (value * 1024).denominator == 1:
            return f"{(value * 1024).numerator}{_SMALLER[suffix]}"
    return format_quantity(parse_quantity(text) * factor, memory)


@dataclass(frozen=True)
class _Pair:
    """A request and its limit as resolved, and which of them the profile set."""

    request: str
    limit: str | None
    request_set: bool
    limit_set: bool


def resolve_resources(data: Mapping[str, Any], base: Preset) -> tuple[Resources, list[Issue]]:
    """The preset with the profile's overrides; a value set alone brings its partner along."""
    given = data.get("resources", {})
    requests = given.get("requests", {})
    limits = given.get("limits", {})
    pairs: dict[str, _Pair] = {}
    issues: list[Issue] = []
    for resource in RESOURCES:
        memory = resource == "memory"
        pair = _resolve_pair(resource, requests, limits, base, memory)
        pairs[resource] = pair
        issues.extend(_pair_issues(resource, pair, memory))
    resources = Resources(
        cpu_request=pairs["cpu"].request,
        memory_request=pairs["memory"].request,
        cpu_limit=pairs["cpu"].limit,
        memory_limit=pairs["memory"].limit or base.memory_limit,
    )
    return resources, issues


def _resolve_pair(
    resource: str, requests: Mapping[str, Any], limits: Mapping[str, Any], base: Preset, memory: bool
) -> _Pair:
    request_set, limit_set = resource in requests, resource in limits
    request = quantity_text(requests[resource], memory) if request_set else base.request(resource)
    raw_limit = limits.get(resource)
    limit: str | None = quantity_text(raw_limit, memory) if raw_limit is not None else None
    if not limit_set:
        limit = scale_quantity(request, base.ratio(resource), memory) if request_set else base.limit(resource)
    elif limit is not None and not request_set:
        request = scale_quantity(limit, 1 / base.ratio(resource), memory)
    return _Pair(request, limit, request_set, limit_set)


def _pair_issues(resource: str, pair: _Pair, memory: bool) -> Iterator[Issue]:
    request_path: FieldPath = ("resources", "requests", resource)
    limit_path: FieldPath = ("resources", "limits", resource)
    blame = {
        "request": request_path if pair.request_set else limit_path,
        "limit": limit_path if pair.limit_set else request_path,
    }
    try:
        request = parse_quantity(pair.request)
        limit = parse_quantity(pair.limit) if pair.limit is not None else None
    except QuantityError as exc:
        yield Issue(request_path if pair.request_set else limit_path, str(exc))
        return
    smallest = Fraction(0) if memory else _MIN_CPU
    for role, value, text in (("request", request, pair.request), ("limit", limit, pair.limit)):
        if value is None:
            continue
        if value <= 0 or value < smallest:
            yield Issue(blame[role], _too_small(resource, role, text, pair, memory))
            return
    if limit is not None and limit < request:
        yield Issue(
            limit_path,
            f"is {pair.limit}, below the request {pair.request}; a limit must be at least its request",
        )


def _too_small(resource: str, role: str, text: str | None, pair: _Pair, memory: bool) -> str:
    floor = "more than 0" if memory else "at least 1m (the smallest CPU Kubernetes can reserve)"
    derived = (role == "request" and not pair.request_set) or (role == "limit" and not pair.limit_set)
    if derived:
        return f"makes the {resource} {role} {text}, following the preset's ratio; it must be {floor}"
    return f"is {text}; it must be {floor}"


# -- checks the schema cannot express -----------------------------------------------


def _check_replicas(data: Mapping[str, Any]) -> Iterator[Issue]:
    if data["type"] != "web" or data.get("autoscale", DEFAULT_AUTOSCALE) is False:
        return
    replicas = data.get("replicas", {})
    low = replicas.get("min", DEFAULT_REPLICAS["min"])
    high = replicas.get("max", DEFAULT_REPLICAS["max"])
    where_max = "" if "max" in replicas else " (the default)"
    if low > high and "min" in replicas:
        yield Issue(("replicas", "min"), f"is {low}, above replicas.max {high}{where_max}")
    elif low > high:
        yield Issue(("replicas", "max"), f"is {high}, below replicas.min {low} (the default)")
    elif low == high:
        yield Issue(
            ("replicas", "max") if "max" in replicas else ("replicas", "min"),
            f"replicas.min and replicas.max are both {low}; autoscaling needs max above min "
            f"(for a fixed count of {low}, set autoscale: false)",
        )


def _check_ports(data: Mapping[str, Any]) -> Iterator[Issue]:
    defaults = TYPE_DEFAULTS[data["type"]]
    number = data.get("port", defaults.port)
    names = {defaults.port_name: "port"} if number is not None and defaults.port_name else {}
    numbers = {(number, "TCP"): "port"} if number is not None and defaults.port_name else {}
    for index, item in enumerate(data.get("extraPorts", [])):
        key = (item["port"], item.get("protocol", "TCP"))
        if item["name"] in names:
            message = f"the port name {item['name']!r} is already used by {names[item['name']]}"
            yield Issue(("extraPorts", index, "name"), message)
        elif key in numbers:
            message = f"port {item['port']}/{key[1]} is already used by {numbers[key]}"
            yield Issue(("extraPorts", index, "port"), message)
        names.setdefault(item["name"], f"extraPorts[{index}]")
        numbers.setdefault(key, f"extraPorts[{index}]")


def _check_schedule(data: Mapping[str, Any]) -> Iterator[Issue]:
    """The schedule and time zone as the CronJob API validates them (kgen.model.cron, check's reading too)."""
    schedule = data.get("schedule")
    if isinstance(schedule, str):
        try:  # the schema took its shape: five fields or a descriptor, no TZ= prefix
            parse_schedule(schedule, zone_exists)
        except CronError as error:
            field = f"{error.field} field: " if error.field else ""
            yield Issue(("schedule",), f"{schedule!r}: {field}{error}")
    time_zone = data.get("job", {}).get("timeZone")
    if isinstance(time_zone, str):
        problem = time_zone_problem(time_zone)
        if problem:
            yield Issue(("job", "timeZone"), problem)
    if data["type"] == "batch" and schedule is None:
        for key in CRON_ONLY:
            if key in data.get("job", {}):
                yield Issue(("job", key), "applies only to a CronJob: set `schedule` or remove it")


def _check_paths(data: Mapping[str, Any]) -> Iterator[Issue]:
    taken = {TMP_PATH: "is always writable (kgen mounts an emptyDir there)"}
    if data["type"] == "database":
        written = data.get("dataPath", DEFAULT_DATA_PATH)
        data_path, backstep = folder_path(written), backsteps(written)
        if backstep:
            yield Issue(("dataPath",), backstep)
        elif data_path in taken or data_path == "/":
            yield Issue(("dataPath",), f"is {data_path}; the volume needs a folder of its own, like /data")
        taken[data_path] = "is the database volume (dataPath)"
    for index, path in enumerate(data.get("writablePaths", [])):
        cleaned, backstep = folder_path(path), backsteps(path)
        if backstep:
            yield Issue(("writablePaths", index), backstep)
        elif cleaned == "/":
            message = "'/' would hide the whole image; list the folders the app writes to"
            yield Issue(("writablePaths", index), message)
        elif cleaned in taken:
            yield Issue(("writablePaths", index), f"{path!r} {taken[cleaned]}")
        taken.setdefault(cleaned, f"is listed already (writablePaths[{index}])")


def _check_security(data: Mapping[str, Any]) -> Iterator[Issue]:
    security = {**DEFAULT_SECURITY, **data.get("security", {})}
    if security["runAsNonRoot"] and security.get("runAsUser") == 0:
        yield Issue(
            ("security", "runAsUser"),
            "is 0 (root) while runAsNonRoot is true, so the pod could never start; "
            "use a non-zero user id, or set runAsNonRoot: false to run as root",
        )


def _check_autoscale(data: Mapping[str, Any]) -> Iterator[Issue]:
    """Stabilization windows in whole seconds up to an hour; metric targets above zero."""
    autoscale = data.get("autoscale")
    if not isinstance(autoscale, Mapping):
        return
    for key, text in autoscale.get("behavior", {}).items():
        length = duration_seconds(text)
        if length.denominator != 1:
            yield Issue(("autoscale", "behavior", key), f"is {text}; the autoscaler counts whole seconds")
        elif length > MAX_STABILIZATION_SECONDS:
            yield Issue(("autoscale", "behavior", key), f"is {text}; Kubernetes allows at most 1h (3600s)")
    for source in ("pods", "external"):
        for key in ("averageValue", "value"):
            value = autoscale.get(source, {}).get(key)
            if value is not None and parse_quantity(value) <= 0:
                yield Issue(("autoscale", source, key), f"is {value}; a target must be above zero")


def _check_tolerations(data: Mapping[str, Any]) -> Iterator[Issue]:
    """The rules the API server applies to tolerations (the schema cannot relate fields)."""
    for index, item in enumerate(data.get("tolerations", [])):
        operator = item.get("operator", "Equal")
        if operator == "Exists" and "value" in item:
            yield Issue(("tolerations", index, "value"), "must be left out with operator Exists")
        elif operator == "Equal" and "key" not in item:
            yield Issue(("tolerations", index), "needs a key with operator Equal (or operator: Exists)")
        elif "tolerationSeconds" in item and item.get("effect") != "NoExecute":
            yield Issue(("tolerations", index, "tolerationSeconds"), "applies only with effect NoExecute")


def _check_monitoring(data: Mapping[str, Any]) -> Iterator[Issue]:
    """The metrics port is one of the app's ports; the scrape interval and the restarts window above 0."""
    given = data.get("monitoring")
    if not isinstance(given, Mapping) or data["type"] == "batch":
        return
    defaults = TYPE_DEFAULTS[data["type"]]
    names = [defaults.port_name] + [item["name"] for item in data.get("extraPorts", [])]
    port = given.get("port")
    if port is not None and port not in names:
        yield Issue(
            ("monitoring", "port"),
            f"{port!r} names no port of the app; its ports are {', '.join(names)} "
            f"(the main port is named {defaults.port_name}; extraPorts add the others)",
        )
    if "interval" in given and duration_seconds(given["interval"]) <= 0:
        yield Issue(("monitoring", "interval"), f"is {given['interval']}; Prometheus needs an interval above 0")
    alerts = given.get("alerts")
    restarts = alerts.get("restarts") if isinstance(alerts, Mapping) else None
    if isinstance(restarts, Mapping) and "within" in restarts and duration_seconds(restarts["within"]) <= 0:
        yield Issue(("monitoring", "alerts", "restarts", "within"), f"is {restarts['within']}; the window must be above 0")
    latency = alerts.get("latency") if isinstance(alerts, Mapping) else None
    if isinstance(latency, Mapping) and "above" in latency and duration_seconds(latency["above"]) <= 0:
        yield Issue(("monitoring", "alerts", "latency", "above"), f"is {latency['above']}; a latency threshold must be above 0")
    duration = given.get("metrics", {}).get("duration", "")
    if duration.endswith("_bucket"):
        yield Issue(
            ("monitoring", "metrics", "duration"),
            f"is {duration}; name the histogram without its _bucket suffix ({duration[: -len('_bucket')]})",
        )


CHECKS: tuple[Callable[[Mapping[str, Any]], Iterator[Issue]], ...] = (
    _check_replicas,
    _check_ports,
    _check_schedule,
    _check_paths,
    _check_security,
    _check_tolerations,
    check_network,
    check_config,
    check_expose,
    _check_autoscale,
    _check_monitoring,
)
