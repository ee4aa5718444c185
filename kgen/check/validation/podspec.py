"""Pod specs: what core/validation's ValidatePodSpec refuses, and the restart policy each workload allows.

Container, volume and port names, env var names, volume mounts, probe and
lifecycle handlers, and the security context's contradictions. Every
workload's pod template is validated with its object, except a
StatefulSet's: the API server stores the StatefulSet and then refuses each
pod the controller creates from it, which the message says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import formats, validates
from kgen.model.kubeschema import at_least
from kgen.check.validation.formats import quoted as q
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import ContainerRef, containers, format_field_path, get_path

SECTIONS = ("initContainers", "containers", "ephemeralContainers")
POD_KINDS = ("Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController", "Job", "CronJob")

#: RelaxedEnvironmentVariableValidation is on by default (beta) from 1.32, GA and locked on in 1.34:
#: an env var name may then be any printable ASCII but '='.
RELAXED_ENV_VAR_NAMES = (1, 32)

PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")

_ALWAYS_ONLY = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"})
_RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})


def _pod_spec(target: Target) -> tuple[Mapping[str, Any], FieldPath] | None:
    shape = target.entry.workload
    if shape is None:
        return None
    spec = get_path(target.obj, shape.pod_spec_path)
    return (spec, shape.pod_spec_path) if isinstance(spec, Mapping) else None


def _refused(target: Target, path: FieldPath, what: str) -> Violation:
    """A refusal of the pod spec at ``path``, the message naming the field."""
    tail = (
        " (the API server accepts the StatefulSet, then refuses every pod created from it)"
        if target.kind == "StatefulSet"
        else ""
    )
    return Violation(f"{format_field_path(path)}: {what}{tail}", path)


def _named(items: Any) -> Iterator[tuple[int, Mapping[str, Any], Any]]:
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, Mapping):
                yield index, item, item.get("name")


@validates(*POD_KINDS)
def container_names(target: Target, ctx: Context) -> Iterator[Violation]:
    """DNS-1123 labels, unique across initContainers, containers and ephemeralContainers."""
    found = _pod_spec(target)
    if found is None:
        return
    spec, at = found
    first: dict[str, FieldPath] = {}
    # The API server checks regular containers first, then init and ephemeral ones against them.
    for section in ("containers", "initContainers", "ephemeralContainers"):
        for index, _, name in _named(spec.get(section)):
            path = at + (section, index, "name")
            if not isinstance(name, str):
                continue
            if name == "":
                yield _refused(target, path, "Required value")
                continue
            for error in formats.dns1123_label(name):
                yield _refused(target, path, f"{q(name)} is not a DNS-1123 label: {error}")
            if name in first:
                yield _refused(
                    target,
                    path,
                    f"Duplicate value: {q(name)} (container names must be unique across initContainers, "
                    f"containers and ephemeralContainers; {format_field_path(first[name][:-1])} has it)",
                )
            else:
                first[name] = path


@validates(*POD_KINDS)
def volume_names(target: Target, ctx: Context) -> Iterator[Violation]:
    found = _pod_spec(target)
    if found is None:
        return
    spec, at = found
    first: dict[str, FieldPath] = {}
    for index, _, name in _named(spec.get("volumes")):
        path = at + ("volumes", index, "name")
        if not isinstance(name, str):
            continue
        if name == "":
            yield _refused(target, path, "Required value")
            continue
        for error in formats.dns1123_label(name):
            yield _refused(target, path, f"{q(name)} is not a DNS-1123 label: {error}")
        if name in first:
            shown = format_field_path(first[name][:-1])
            yield _refused(target, path, f"Duplicate value: {q(name)} (volume names must be unique; {shown} has it)")
        else:
            first[name] = path


@validates(*POD_KINDS)
def container_fields(target: Target, ctx: Context) -> Iterator[Violation]:
    """Per container: port names, env var names, volume mounts, handlers, security context."""
    found = _pod_spec(target)
    if found is None:
        return
    spec, at = found
    volumes = {name for _, _, name in _named(spec.get("volumes")) if isinstance(name, str)}
    if target.kind == "StatefulSet":
        claims = get_path(target.obj, ("spec", "volumeClaimTemplates"))
        for _, claim, _ in _named(claims):
            claim_name = get_path(claim, ("metadata", "name"))
            if isinstance(claim_name, str):
                volumes.add(claim_name)
    relaxed = at_least(ctx.kubernetes_version, RELAXED_ENV_VAR_NAMES)
    for container in containers(spec, at, SECTIONS):
        if container.section != "ephemeralContainers":
            yield from _ports(target, container)
        yield from _env(target, container, relaxed)
        yield from _mounts(target, container, volumes)
        yield from _handlers(target, container)
        yield from _security_context(target, container)


def _ports(target: Target, container: ContainerRef) -> Iterator[Violation]:
    seen: set[str] = set()
    for index, _, name in _named(container.data.get("ports")):
        if not isinstance(name, str) or name == "":
            continue
        path = container.path + ("ports", index, "name")
        errors = formats.port_name(name)
        for error in errors:
            yield _refused(target, path, f"{q(name)} is not a valid port name (an IANA service name): {error}")
        if errors:
            continue
        if name in seen:
            yield _refused(target, path, f"Duplicate value: {q(name)} (port names must be unique within a container)")
        seen.add(name)


def _env(target: Target, container: ContainerRef, relaxed: bool) -> Iterator[Violation]:
    for index, _, name in _named(container.data.get("env")):
        if isinstance(name, str) and name:
            for error in formats.env_var_name(name, relaxed):
                yield _refused(target, container.path + ("env", index, "name"), f"{q(name)}: {error}")
    sources = container.data.get("envFrom")
    if isinstance(sources, list):
        for index, source in enumerate(sources):
            prefix = source.get("prefix") if isinstance(source, Mapping) else None
            if isinstance(prefix, str) and prefix:
                for error in formats.env_var_name(prefix, relaxed):
                    yield _refused(target, container.path + ("envFrom", index, "prefix"), f"{q(prefix)}: {error}")


def _mounts(target: Target, container: ContainerRef, volumes: set[str]) -> Iterator[Violation]:
    paths: set[str] = set()
    for index, mount, name in _named(container.data.get("volumeMounts")):
        at = container.path + ("volumeMounts", index)
        if isinstance(name, str) and name and name not in volumes:
            what = "no volume of the pod" if target.kind != "StatefulSet" else "no volume or volumeClaimTemplate"
            yield _refused(target, at + ("name",), f"Not found: {q(name)} ({what} has this name)")
        mount_path = mount.get("mountPath")
        if not isinstance(mount_path, str) or not mount_path:
            continue
        if mount_path in paths:
            yield _refused(
                target, at + ("mountPath",), f"{q(mount_path)}: must be unique (another volumeMount of the container uses it)"
            )
        paths.add(mount_path)


def _handlers(target: Target, container: ContainerRef) -> Iterator[Violation]:
    data = container.data
    regular_init = container.section == "initContainers" and not container.is_sidecar
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        value = data.get(probe)
        if value is None or container.section == "ephemeralContainers":
            continue  # an ephemeral container's probes are refused as fields it may not set
        at = container.path + (probe,)
        if regular_init:
            yield _refused(target, at, "Forbidden: may not be set for init containers without restartPolicy=Always")
            continue
        if not isinstance(value, Mapping):
            continue
        yield from _one_handler(target, value, at, PROBE_HANDLERS)
        threshold = value.get("successThreshold")
        if probe != "readinessProbe" and isinstance(threshold, int) and not isinstance(threshold, bool):
            if threshold not in (0, 1):  # 0 is unset: it defaults to 1
                yield _refused(target, at + ("successThreshold",), f"Invalid value: {threshold}: must be 1")
    lifecycle = data.get("lifecycle")
    if not isinstance(lifecycle, Mapping) or container.section == "ephemeralContainers":
        return
    if regular_init:
        yield _refused(
            target, container.path + ("lifecycle",), "Forbidden: may not be set for init containers without restartPolicy=Always"
        )
        return
    for hook in ("postStart", "preStop"):
        value = lifecycle.get(hook)
        if isinstance(value, Mapping):
            yield from _one_handler(target, value, container.path + ("lifecycle", hook), LIFECYCLE_HANDLERS)


def _one_handler(target: Target, value: Mapping[str, Any], at: FieldPath, kinds: tuple[str, ...]) -> Iterator[Violation]:
    """Exactly one handler: none is refused at the probe, each one after the first at its own key."""
    present = [kind for kind in kinds if value.get(kind) is not None]
    if not present:
        yield _refused(target, at, f"Required value: must specify a handler type (one of {', '.join(kinds)})")
    for kind in present[1:]:
        yield _refused(
            target, at + (kind,), f"Forbidden: may not specify more than 1 handler type ({present[0]} is already set)"
        )


def _security_context(target: Target, container: ContainerRef) -> Iterator[Violation]:
    context = container.data.get("securityContext")
    if not isinstance(context, Mapping) or context.get("allowPrivilegeEscalation") is not False:
        return
    at = container.path + ("securityContext",)
    if context.get("privileged") is True:
        yield _refused(target, at + ("privileged",), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true")
    added = get_path(context, ("capabilities", "add"))
    if isinstance(added, list):
        for index, capability in enumerate(added):
            if capability == "CAP_SYS_ADMIN":
                yield _refused(
                    target,
                    at + ("capabilities", "add", index),
                    "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                )


@validates(*_ALWAYS_ONLY, *_RUN_TO_COMPLETION)
def restart_policy(target: Target, ctx: Context) -> Iterator[Violation]:
    """Replicated workloads and DaemonSets restart their pods Always; a Job's pods OnFailure or Never."""
    found = _pod_spec(target)
    if found is None:
        return
    spec, at = found
    policy = spec.get("restartPolicy")
    if policy is not None and not isinstance(policy, str):
        return
    allowed: tuple[str, ...] = ("OnFailure", "Never") if target.kind in _RUN_TO_COMPLETION else ("Always",)
    effective = policy or "Always"  # the API server defaults an unset restartPolicy to Always
    if effective in allowed:
        return
    supported = ", ".join(q(value) for value in allowed)
    where = format_field_path(at + ("restartPolicy",))
    if policy:
        yield Violation(f"{where}: Unsupported value: {q(policy)}: supported values: {supported}", at + ("restartPolicy",))
    else:
        yield Violation(
            f"{where}: Required value: valid values: {supported} (unset, it defaults to \"Always\", "
            f"which a {target.kind} does not allow)",
            at + ("restartPolicy",),
        )
