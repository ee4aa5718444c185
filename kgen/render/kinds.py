"""Profile -> the Kubernetes objects of its type (one builder per type)."""

from __future__ import annotations

from typing import Callable, TypeVar

from kgen.errors import InternalError
from kgen.model.kubeschema import release
from kgen.render.pod import (
    DATA_VOLUME,
    REVISION_HISTORY_LIMIT,
    Obj,
    add_drain_hook,
    drain_note,
    label_selector,
    labels,
    new_object,
    pod_template,
    stable_labels,
)
from kgen.render.profile import JobSettings, MetricTarget, Profile
from kgen.render.monitoring import monitoring_objects
from kgen.render.config import config_maps
from kgen.render.expose import routes
from kgen.render.network import network_policies
from kgen.render.serviceaccount import service_accounts

HEADLESS_SUFFIX = "-headless"
T = TypeVar("T")


def _need(value: T | None, what: str, profile: Profile) -> T:
    """A part every profile of this type has (the profile builder fills it in)."""
    if value is None:
        raise InternalError(f"app {profile.name!r} of type {profile.type} has no {what}")
    return value


def render_profile(profile: Profile, kubernetes_version: str) -> list[Obj]:
    """The objects of one app for a Kubernetes version, in no particular order (the emitter sorts)."""
    objects = BUILDERS[profile.type](profile)
    for companion in COMPANIONS:
        objects.extend(companion(profile))
    target = release(kubernetes_version)
    for obj in objects:
        if obj["kind"] in SERVICE_BACKED:
            add_drain_hook(obj, profile, target)
        if obj["kind"] in WORKLOADS and _egress_left_open(profile):
            _acknowledge(obj, EGRESS_OPEN_RULE)
    if target >= UNHEALTHY_POD_EVICTION_POLICY:
        for obj in objects:
            if obj["kind"] == "PodDisruptionBudget":
                # A pod that is running but not Ready can be evicted whatever the budget, so a
                # crash-looping pod never blocks a node drain (the default, IfHealthyBudget, lets it).
                obj["spec"]["unhealthyPodEvictionPolicy"] = "AlwaysAllow"
    return objects


def object_notes(obj: Obj, profile: Profile, kubernetes_version: str) -> tuple[str, ...]:
    """What a reader of one rendered object must know that its fields cannot say."""
    notes: list[str] = []
    if obj["kind"] in SERVICE_BACKED:
        drain = drain_note(profile, release(kubernetes_version))
        if drain:
            notes.append(drain)
    if obj["kind"] in WORKLOADS and _egress_left_open(profile):
        notes.append(
            "Egress is not restricted (the profile's network lists no egress), so the NetworkPolicy isolates "
            f"these pods for Ingress only; kgen check's {EGRESS_OPEN_RULE} is acknowledged for that below."
        )
    return tuple(notes)


#: The workloads whose pods a NetworkPolicy of the app selects.
WORKLOADS = ("Deployment", "StatefulSet", "Job", "CronJob")
#: The rule that reports pods no NetworkPolicy isolates (for Egress: a profile's choice when it lists none).
EGRESS_OPEN_RULE = "pod-not-isolated"
IGNORE_ANNOTATION = "kgen.dev/ignore"


def _egress_left_open(profile: Profile) -> bool:
    return profile.network is not None and profile.network.egress is None


def _acknowledge(obj: Obj, rule: str) -> None:
    """Suppress ``rule`` on ``obj`` (kgen.dev/ignore), keeping what the profile's annotation already names."""
    annotations = obj["metadata"].setdefault("annotations", {})
    named = [name.strip() for name in str(annotations.get(IGNORE_ANNOTATION, "")).split(",") if name.strip()]
    if rule not in named and "*" not in named:
        annotations[IGNORE_ANNOTATION] = ",".join([*named, rule])


#: The workloads behind a Service, whose pods drain before they stop.
SERVICE_BACKED = ("Deployment", "StatefulSet")
#: The release from which PodDisruptionBudget's unhealthyPodEvictionPolicy is on by default (beta).
UNHEALTHY_POD_EVICTION_POLICY = (1, 27)


# -- shared -------------------------------------------------------------------------


def disruption_budget(profile: Profile) -> Obj:
    """At most one pod down at a time for voluntary disruptions (drains, upgrades)."""
    spec: Obj = {"maxUnavailable": 1, "selector": label_selector(profile)}
    return new_object("policy/v1", "PodDisruptionBudget", profile, profile.name, spec)


def service(profile: Profile, name: str, headless: bool = False) -> Obj:
    spec: Obj = {"type": "ClusterIP"}
    if headless:
        spec["clusterIP"] = "None"
        spec["publishNotReadyAddresses"] = True
    spec["selector"] = dict(label_selector(profile)["matchLabels"])
    spec["ports"] = [
        {"name": port.name, "port": port.number, "targetPort": port.name, "protocol": port.protocol}
        for port in profile.ports
    ]
    return new_object("v1", "Service", profile, name, spec)


# -- web ----------------------------------------------------------------------------


def web(profile: Profile) -> list[Obj]:
    objects = [disruption_budget(profile), service(profile, profile.name), deployment(profile)]
    hpa = autoscaler(profile)
    if hpa is not None:
        objects.append(hpa)
    return objects


def deployment(profile: Profile) -> Obj:
    scaling = _need(profile.scaling, "replicas", profile)
    spec: Obj = {}
    if scaling.autoscale is None:
        spec["replicas"] = scaling.min  # with an HPA, spec.replicas would fight it
    spec["revisionHistoryLimit"] = REVISION_HISTORY_LIMIT
    spec["selector"] = label_selector(profile)
    spec["strategy"] = {
        "type": "RollingUpdate",
        # full capacity during a rollout: new pods first, old ones only once replaced
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
    }
    spec["template"] = pod_template(profile)
    return new_object("apps/v1", "Deployment", profile, profile.name, spec)


def autoscaler(profile: Profile) -> Obj | None:
    scaling = profile.scaling
    if scaling is None or scaling.autoscale is None:
        return None
    targets = scaling.autoscale
    utilization = (("cpu", targets.cpu), ("memory", targets.memory))
    metrics = [
        {
            "type": "Resource",
            "resource": {"name": name, "target": {"type": "Utilization", "averageUtilization": value}},
        }
        for name, value in utilization
        if value is not None
    ]
    if targets.pods is not None:
        metrics.append({"type": "Pods", "pods": _metric_source(targets.pods)})
    if targets.external is not None:
        metrics.append({"type": "External", "external": _metric_source(targets.external)})
    behavior: Obj = {"scaleDown": {"stabilizationWindowSeconds": targets.scale_down_seconds}}
    if targets.scale_up_seconds:
        behavior["scaleUp"] = {"stabilizationWindowSeconds": targets.scale_up_seconds}
    spec: Obj = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": profile.name},
        "minReplicas": scaling.min,
        "maxReplicas": scaling.max,
        "metrics": metrics,
        "behavior": behavior,
    }
    return new_object("autoscaling/v2", "HorizontalPodAutoscaler", profile, profile.name, spec)


def _metric_source(target: MetricTarget) -> Obj:
    """The metric identifier and target of a Pods or External metric."""
    metric: Obj = {"name": target.metric}
    if target.selector:
        metric["selector"] = {"matchLabels": dict(target.selector)}
    if target.average_value is not None:
        goal: Obj = {"type": "AverageValue", "averageValue": target.average_value}
    else:
        goal = {"type": "Value", "value": target.value}
    return {"metric": metric, "target": goal}


# -- batch --------------------------------------------------------------------------


def batch(profile: Profile) -> list[Obj]:
    return [cron_job(profile) if profile.schedule else job(profile)]


def job_spec(profile: Profile, settings: JobSettings) -> Obj:
    return {
        "backoffLimit": settings.backoff_limit,
        "activeDeadlineSeconds": settings.active_deadline_seconds,
        "ttlSecondsAfterFinished": settings.ttl_seconds_after_finished,
        "template": pod_template(profile, restart_policy=settings.restart_policy),
    }


def job(profile: Profile) -> Obj:
    settings = _need(profile.job, "job settings", profile)
    return new_object("batch/v1", "Job", profile, profile.name, job_spec(profile, settings))


def cron_job(profile: Profile) -> Obj:
    settings = _need(profile.job, "job settings", profile)
    spec: Obj = {
        "schedule": _need(profile.schedule, "schedule", profile),
        "timeZone": settings.time_zone,
        "concurrencyPolicy": settings.concurrency_policy,
        "startingDeadlineSeconds": settings.starting_deadline_seconds,
        "successfulJobsHistoryLimit": settings.successful_history,
        "failedJobsHistoryLimit": settings.failed_history,
        "jobTemplate": {"metadata": {"labels": labels(profile)}, "spec": job_spec(profile, settings)},
    }
    return new_object("batch/v1", "CronJob", profile, profile.name, spec)


# -- database -----------------------------------------------------------------------


def database(profile: Profile) -> list[Obj]:
    return [
        disruption_budget(profile),
        service(profile, profile.name),
        service(profile, profile.name + HEADLESS_SUFFIX, headless=True),
        stateful_set(profile),
    ]


def stateful_set(profile: Profile) -> Obj:
    scaling = _need(profile.scaling, "replicas", profile)
    storage = _need(profile.storage, "storage", profile)
    claim_spec: Obj = {"accessModes": ["ReadWriteOnce"]}
    if storage.storage_class:
        claim_spec["storageClassName"] = storage.storage_class
    claim_spec["resources"] = {"requests": {"storage": storage.size}}
    spec: Obj = {
        "replicas": scaling.min,
        "revisionHistoryLimit": REVISION_HISTORY_LIMIT,
        "serviceName": profile.name + HEADLESS_SUFFIX,
        "podManagementPolicy": "OrderedReady",
        "updateStrategy": {"type": "RollingUpdate"},
        # deleting or scaling down the StatefulSet never deletes data
        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
        "selector": label_selector(profile),
        "template": pod_template(profile),
        "volumeClaimTemplates": [
            # immutable once created: only labels that never change
            {"metadata": {"name": DATA_VOLUME, "labels": stable_labels(profile)}, "spec": claim_spec}
        ],
    }
    return new_object("apps/v1", "StatefulSet", profile, profile.name, spec)


#: Objects every type may have besides its own, each from its module.
COMPANIONS: tuple[Callable[[Profile], list[Obj]], ...] = (service_accounts, monitoring_objects, network_policies, config_maps, routes)

BUILDERS: dict[str, Callable[[Profile], list[Obj]]] = {
    "web": web,
    "batch": batch,
    "database": database,
}
