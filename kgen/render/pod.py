"""What every rendered object shares: metadata and labels, the pod template,
the container with its resources, probes and security settings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from kgen.model.k8s import plain_copy
from kgen.render.profile import TMP_PATH, EnvVar, Health, Port, Profile, Toleration
from kgen.render.traffic import CONFIG_ENV, CONFIG_FILES

Obj = dict[str, Any]

LABEL_NAME = "app.kubernetes.io/name"
LABEL_INSTANCE = "app.kubernetes.io/instance"
LABEL_VERSION = "app.kubernetes.io/version"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_PART_OF = "app.kubernetes.io/part-of"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGER = "kgen"
DATA_VOLUME = "data"
TMP_VOLUME = "tmp"
CONFIG_VOLUME = "config"
#: Helm's name for it; `kgen check` (config-change-not-rolled) knows annotations containing "checksum".
CONFIG_HASH_ANNOTATION = "checksum/config"
REVISION_HISTORY_LIMIT = 5
SPREAD_KEYS = ("kubernetes.io/hostname", "topology.kubernetes.io/zone")


@dataclass(frozen=True)
class Timing:
    """Probe timings. Liveness fails only after 30 s (readiness after 15 s), so a
    slow moment takes a pod out of rotation long before anything restarts it."""

    period: int
    timeout: int
    failures: int


STARTUP_PERIOD = 5
STARTUP_TIMEOUT = 3
READINESS = Timing(period=5, timeout=3, failures=3)
LIVENESS = Timing(period=10, timeout=5, failures=3)


# -- metadata -----------------------------------------------------------------------


def selector_labels(profile: Profile) -> dict[str, str]:
    """The labels a selector may use: they never change between releases."""
    return {LABEL_NAME: profile.name, LABEL_INSTANCE: profile.name}


def stable_labels(profile: Profile) -> dict[str, str]:
    """kgen's labels without the version (for fields that are immutable once created)."""
    labels = selector_labels(profile)
    labels[LABEL_COMPONENT] = profile.type
    if profile.part_of:
        labels[LABEL_PART_OF] = profile.part_of
    labels[LABEL_MANAGED_BY] = MANAGER
    return labels


def labels(profile: Profile) -> dict[str, str]:
    """Every object's and pod's labels: kgen's, then the profile's extra ones."""
    result = selector_labels(profile)
    if profile.version:
        result[LABEL_VERSION] = profile.version
    result.update(stable_labels(profile))
    result.update(profile.labels)
    return result


def metadata(profile: Profile, name: str) -> Obj:
    meta: Obj = {"name": name}
    if profile.namespace:
        meta["namespace"] = profile.namespace
    meta["labels"] = labels(profile)
    if profile.annotations:
        meta["annotations"] = dict(profile.annotations)
    return meta


def new_object(api_version: str, kind: str, profile: Profile, name: str, spec: Obj) -> Obj:
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata(profile, name), "spec": spec}


def label_selector(profile: Profile) -> Obj:
    return {"matchLabels": selector_labels(profile)}


# -- pod ----------------------------------------------------------------------------


def pod_template(profile: Profile, restart_policy: str | None = None) -> Obj:
    meta: Obj = {"labels": labels(profile)}
    annotations = dict(profile.pod_annotations)
    if profile.config is not None:  # the template changes with the config, so a change rolls the pods
        annotations[CONFIG_HASH_ANNOTATION] = profile.config.digest
    if annotations:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": pod_spec(profile, restart_policy)}


def pod_spec(profile: Profile, restart_policy: str | None) -> Obj:
    spec: Obj = {}
    if profile.service_account.name is not None:
        spec["serviceAccountName"] = profile.service_account.name
    spec["automountServiceAccountToken"] = profile.security.automount_token
    spec["enableServiceLinks"] = False
    spec["securityContext"] = pod_security(profile)
    if restart_policy:
        spec["restartPolicy"] = restart_policy
    # the countdown to SIGKILL starts before the preStop wait: the app's own time comes after it
    spec["terminationGracePeriodSeconds"] = profile.termination_grace_seconds + profile.drain_seconds
    if profile.priority_class:
        spec["priorityClassName"] = profile.priority_class
    if profile.image_pull_secrets:
        spec["imagePullSecrets"] = [{"name": name} for name in profile.image_pull_secrets]
    if profile.node_selector:
        spec["nodeSelector"] = dict(profile.node_selector)
    if profile.tolerations:
        spec["tolerations"] = [toleration(item) for item in profile.tolerations]
    if profile.spread:
        spec["topologySpreadConstraints"] = [spread(profile, key) for key in SPREAD_KEYS]
    spec["containers"] = [container(profile)]
    spec["volumes"] = volumes(profile)
    return spec


def pod_security(profile: Profile) -> Obj:
    security = profile.security
    context: Obj = {"runAsNonRoot": security.run_as_non_root}
    optional = (
        ("runAsUser", security.run_as_user),
        ("runAsGroup", security.run_as_group),
        ("fsGroup", security.fs_group),
    )
    for key, value in optional:
        if value is not None:
            context[key] = value
    if security.fs_group is not None:
        context["fsGroupChangePolicy"] = "OnRootMismatch"
    context["seccompProfile"] = {"type": security.seccomp_profile}
    low = [port.number for port in profile.ports if port.number < UNPRIVILEGED_PORT_START]
    non_root = security.run_as_non_root or (security.run_as_user is not None and security.run_as_user != 0)
    if low and non_root:
        # A non-root process may bind a port below 1024 only where the pod's network namespace
        # lowers this (containerd 2 does by default, containerd 1.x and CRI-O do not); a safe,
        # namespaced sysctl that Pod Security admission allows at every level.
        context["sysctls"] = [{"name": "net.ipv4.ip_unprivileged_port_start", "value": str(min(low))}]
    return context


#: The kernel's default first port a process without CAP_NET_BIND_SERVICE may bind.
UNPRIVILEGED_PORT_START = 1024


def toleration(item: Toleration) -> Obj:
    result: Obj = {}
    if item.key is not None:
        result["key"] = item.key
    result["operator"] = item.operator
    if item.value is not None:
        result["value"] = item.value
    if item.effect is not None:
        result["effect"] = item.effect
    if item.seconds is not None:
        result["tolerationSeconds"] = item.seconds
    return result


def spread(profile: Profile, key: str) -> Obj:
    return {
        "maxSkew": 1,
        "topologyKey": key,
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": label_selector(profile),
    }


def writable_volumes(profile: Profile) -> list[tuple[str, str]]:
    """(volume name, mount path) of every emptyDir: /tmp, then writablePaths."""
    pairs = [(TMP_VOLUME, TMP_PATH)]
    pairs += [(f"writable-{index}", path) for index, path in enumerate(profile.writable_paths, start=1)]
    return pairs


def volumes(profile: Profile) -> list[Obj]:
    result: list[Obj] = []
    if profile.config is not None and profile.config.mount_as == CONFIG_FILES:
        result.append({"name": CONFIG_VOLUME, "configMap": {"name": profile.name}})
    return result + [{"name": name, "emptyDir": {}} for name, _ in writable_volumes(profile)]


def config_path(profile: Profile) -> str:
    """Where ``config: {as: files}`` mounts the ConfigMap, one file per key."""
    return f"/etc/{profile.name}"


# -- container ----------------------------------------------------------------------


def container(profile: Profile) -> Obj:
    result: Obj = {"name": profile.name, "image": profile.image, "imagePullPolicy": "IfNotPresent"}
    if profile.command:
        result["command"] = list(profile.command)
    if profile.args:
        result["args"] = list(profile.args)
    if profile.ports:
        result["ports"] = [container_port(port) for port in profile.ports]
    if profile.env:
        result["env"] = [env_var(item) for item in profile.env]
    if profile.config is not None and profile.config.mount_as == CONFIG_ENV:
        result["envFrom"] = [{"configMapRef": {"name": profile.name}}]  # env above wins over a key of the same name
    result["resources"] = resources(profile)
    if profile.health is not None and profile.port is not None:
        result.update(probes(profile.health, profile.port))
    result["securityContext"] = container_security(profile)
    result["volumeMounts"] = volume_mounts(profile)
    return result


def container_port(port: Port) -> Obj:
    return {"name": port.name, "containerPort": port.number, "protocol": port.protocol}


def env_var(item: EnvVar) -> Obj:
    if item.ref_kind is None:
        return {"name": item.name, "value": item.value}
    return {"name": item.name, "valueFrom": ENV_SOURCES[item.ref_kind](item)}


def _key_ref(kind: str) -> Callable[[EnvVar], Obj]:
    def source(item: EnvVar) -> Obj:
        return {f"{kind}KeyRef": {"name": item.ref_name, "key": item.ref_key}}

    return source


def _field_ref(item: EnvVar) -> Obj:
    return {"fieldRef": {"fieldPath": item.ref_name}}


#: env reference kind -> its valueFrom
ENV_SOURCES: dict[str, Callable[[EnvVar], Obj]] = {
    "secret": _key_ref("secret"),
    "configMap": _key_ref("configMap"),
    "field": _field_ref,
}


def resources(profile: Profile) -> Obj:
    values = profile.resources
    limits: Obj = {}
    if values.cpu_limit is not None:
        limits["cpu"] = values.cpu_limit
    limits["memory"] = values.memory_limit
    return {"requests": {"cpu": values.cpu_request, "memory": values.memory_request}, "limits": limits}


def container_security(profile: Profile) -> Obj:
    security = profile.security
    context: Obj = {
        "allowPrivilegeEscalation": security.allow_privilege_escalation,
        "readOnlyRootFilesystem": security.read_only_root_filesystem,
    }
    capabilities: Obj = {}
    if security.add:
        capabilities["add"] = list(security.add)
    if security.drop:
        capabilities["drop"] = list(security.drop)
    if capabilities:
        context["capabilities"] = capabilities
    return context


def volume_mounts(profile: Profile) -> list[Obj]:
    mounts: list[Obj] = []
    if profile.storage is not None:
        mounts.append({"name": DATA_VOLUME, "mountPath": profile.storage.path})
    if profile.config is not None and profile.config.mount_as == CONFIG_FILES:
        mounts.append({"name": CONFIG_VOLUME, "mountPath": config_path(profile), "readOnly": True})
    mounts += [{"name": name, "mountPath": path} for name, path in writable_volumes(profile)]
    return mounts


# -- shutdown -----------------------------------------------------------------------

#: The release from which the preStop ``sleep`` action is on by default (beta in 1.30, GA in
#: 1.34): the kubelet waits itself, so the image needs no shell and no ``sleep`` binary.
PRESTOP_SLEEP = (1, 30)


def drain_hook(profile: Profile, release: tuple[int, int]) -> Obj | None:
    """A preStop wait of ``drain_seconds``, so endpoints and load balancers stop routing to a
    terminating pod before it gets SIGTERM (both happen at once otherwise, and requests fail)."""
    seconds = profile.drain_seconds
    if not seconds:
        return None
    if release >= PRESTOP_SLEEP:
        return {"preStop": {"sleep": {"seconds": seconds}}}
    return {"preStop": {"exec": {"command": ["sleep", str(seconds)]}}}


def drain_note(profile: Profile, release: tuple[int, int]) -> str | None:
    """What the image must provide for the drain hook, when Kubernetes cannot wait itself."""
    if not profile.drain_seconds or release >= PRESTOP_SLEEP:
        return None
    return (
        f"The preStop hook runs `sleep {profile.drain_seconds}` in the container: the image must have a "
        f"`sleep` command on its PATH (Kubernetes {release[0]}.{release[1]} has no native sleep action; "
        f"{PRESTOP_SLEEP[0]}.{PRESTOP_SLEEP[1]} and later need nothing from the image)."
    )


def add_drain_hook(obj: Obj, profile: Profile, release: tuple[int, int]) -> None:
    """Give the app's container of a Service-backed workload its preStop wait, after the probes."""
    hook = drain_hook(profile, release)
    if hook is None:
        return
    containers = obj["spec"]["template"]["spec"]["containers"]
    app = containers[0]
    ordered: Obj = {}
    for key, value in app.items():
        if key == "securityContext":
            ordered["lifecycle"] = hook
        ordered[key] = value
    containers[0] = ordered


# -- probes -------------------------------------------------------------------------


def _http(path: str, port: Port) -> Obj:
    return {"httpGet": {"path": path, "port": port.name}}


def _handlers_http(health: Health, port: Port) -> tuple[Obj, Obj]:
    return _http(health.liveness_path, port), _http(health.readiness_path, port)


def _handlers_tcp(health: Health, port: Port) -> tuple[Obj, Obj]:
    handler = {"tcpSocket": {"port": port.name}}
    return handler, handler


def _handlers_exec(health: Health, port: Port) -> tuple[Obj, Obj]:
    handler = {"exec": {"command": list(health.command)}}
    return handler, handler


#: health kind -> (liveness handler, readiness handler); startup uses the liveness one.
HANDLERS: dict[str, Callable[[Health, Port], tuple[Obj, Obj]]] = {
    "http": _handlers_http,
    "tcp": _handlers_tcp,
    "exec": _handlers_exec,
}


def probes(health: Health, port: Port) -> Obj:
    """startup (holds the others back while starting), readiness, liveness."""
    live, ready = HANDLERS[health.kind](health, port)
    startup = Timing(STARTUP_PERIOD, STARTUP_TIMEOUT, math.ceil(health.startup_seconds / STARTUP_PERIOD))
    return {
        "startupProbe": _probe(live, startup),
        "readinessProbe": _probe(ready, READINESS),
        "livenessProbe": _probe(live, LIVENESS),
    }


def _probe(handler: Obj, timing: Timing) -> Obj:
    probe = {key: plain_copy(value) for key, value in handler.items()}
    probe.update(
        {
            "periodSeconds": timing.period,
            "timeoutSeconds": timing.timeout,
            "successThreshold": 1,
            "failureThreshold": timing.failures,
        }
    )
    return probe

