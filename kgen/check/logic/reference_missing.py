"""reference-missing: a pod spec naming a ConfigMap, Secret, key, claim or ServiceAccount the set lacks.

What is judged, and how severe, follows what the set can prove (see the
policy's description): a key missing from a ConfigMap or Secret that is
among the checked objects is an error; an object missing by name is a
warning, an error when .kgen.yaml says the set is complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._config_refs import Reference, pod_references
from kgen.check.logic._service_account import DEFAULT_ACCOUNT, account_of
from kgen.check.index import pod_labels
from kgen.model.k8s import get_path

#: Published into every namespace by the root CA publisher (Kubernetes 1.20+), with this key.
ROOT_CA = "kube-root-ca.crt"
ROOT_CA_KEYS = frozenset({"ca.crt"})

#: How a missing object stops the pod, by how the pod uses it.
_CONSEQUENCE = {
    "env": "the container does not start until it exists (CreateContainerConfigError)",
    "envFrom": "the container does not start until it exists (CreateContainerConfigError)",
    "volume": "the volume does not mount and the pod stays in ContainerCreating until it exists (FailedMount)",
    "imagePullSecrets": "the kubelet pulls without it, so an image that needs it fails to pull",
}
_USE = {"env": "reads", "envFrom": "reads", "volume": "mounts", "imagePullSecrets": "names"}


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    path = entry.pod_spec_path
    pod_spec = get_path(entry.data, path) if path is not None else None
    if path is None or not isinstance(pod_spec, Mapping):
        return
    templates = _claim_templates(entry.data) if _is_statefulset(target) else frozenset()
    for ref in pod_references(pod_spec, path, templates):
        yield from _judge(ref, entry.namespace, ctx)
    account = account_of(pod_spec)
    if account.name != DEFAULT_ACCOUNT and _judged(ctx, "ServiceAccount"):  # the controller makes "default"
        if ctx.index.service_account(entry.namespace, account.name) is None:
            yield Violation(
                f"{account.path[0]} names ServiceAccount {account.name}, "
                f"{_absent(entry.namespace, ctx)}; "
                "the API server refuses the pods until it exists (the ServiceAccount admission plugin finds no account)",
                path + account.path,
                _blocking(ctx),
            )
    if _is_statefulset(target):
        yield from _service_name(target, ctx)


def _judge(ref: Reference, namespace: str, ctx: Context) -> Iterator[Violation]:
    if ref.optional or not _judged(ctx, ref.kind):
        return
    keys = _keys(ref, namespace, ctx)
    if keys is None:
        if ref.via == "volume" and ref.key is not None:
            return  # the volume's own reference reports the missing object once
        severity = "warning" if ref.via == "imagePullSecrets" else _blocking(ctx)
        yield Violation(
            f"{ref.what} {_USE[ref.via] if ref.kind != 'PersistentVolumeClaim' else 'claims'} {ref.kind} {ref.name}, "
            f"{_absent(namespace, ctx)}; "
            f"{_CONSEQUENCE[ref.via] if ref.kind != 'PersistentVolumeClaim' else _UNCLAIMED}",
            ref.path,
            severity,
            ref.container,
        )
        return
    if ref.key is None or ref.key in keys or _keys_unknown(keys):
        return
    if ref.via == "volume":
        effect = "the volume does not mount and the pod stays in ContainerCreating (FailedMount)"
        use = "projects"
    else:
        effect = f"the container does not start (CreateContainerConfigError: couldn't find key {ref.key})"
        use = "reads"
    yield Violation(
        f"{ref.what} {use} key {ref.key} of {ref.kind} {ref.name}, which has no such key "
        f"({_key_list(keys)}); {effect}",
        ref.key_path,
        "error",
        ref.container,
    )


_UNCLAIMED = "the pod stays Pending until it exists (persistentvolumeclaim not found)"


def _keys(ref: Reference, namespace: str, ctx: Context) -> frozenset[str] | None:
    """The key names of the object a reference names; an empty set when it exists with keys unknown
    to kgen (a claim); None when it is not among the checked objects."""
    if ref.kind == "PersistentVolumeClaim":
        found = ctx.index.has((namespace, "", ref.kind, ref.name))
        return frozenset({"*"}) if found else None
    if ref.kind == "ConfigMap" and ref.name == ROOT_CA:
        return ROOT_CA_KEYS
    return ctx.index.config_keys(ref.kind, namespace, ref.name)


def _keys_unknown(keys: frozenset[str]) -> bool:
    return keys == frozenset({"*"})


def _key_list(keys: frozenset[str]) -> str:
    if not keys:
        return "it has no keys"
    names = sorted(keys)
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return f"its keys: {shown}"


def _judged(ctx: Context, kind: str) -> bool:
    """A reference to a kind none of which was checked is not judged: the set may be partial."""
    return ctx.complete or ctx.index.has_kind("", kind)


def _blocking(ctx: Context) -> str:
    """A missing object that stops the pod: an error when the set is complete, a warning when it may
    be applied in parts (another folder, an operator, or a person may create it)."""
    return "error" if ctx.complete else "warning"


def _absent(namespace: str, ctx: Context) -> str:
    if ctx.complete:
        return f"which does not exist in namespace {namespace} (the checked objects are the whole set)"
    return f"which is not among the checked objects of namespace {namespace}"


def _is_statefulset(target: Target) -> bool:
    return target.kind == "StatefulSet" and target.entry.group == "apps"


def _claim_templates(data: Mapping[str, Any]) -> frozenset[str]:
    templates = get_path(data, ("spec", "volumeClaimTemplates"))
    names = (get_path(t, ("metadata", "name")) for t in templates) if isinstance(templates, list) else ()
    return frozenset(name for name in names if isinstance(name, str))


def _service_name(target: Target, ctx: Context) -> Iterator[Violation]:
    """A StatefulSet's governing Service: its pods' DNS names exist only under a headless Service."""
    entry = target.entry
    name = get_path(entry.data, ("spec", "serviceName"))
    if not isinstance(name, str) or not name or not _judged(ctx, "Service"):
        return
    dns = f"{entry.ref.name}-0.{name}.{entry.namespace}.svc"
    service = ctx.index.service(entry.namespace, name)
    if service is None:
        yield Violation(
            f"serviceName names Service {name}, {_absent(entry.namespace, ctx)}; the pods run, but get no "
            f"DNS names ({dns}) until a headless Service (clusterIP: None) of that name exists",
            ("spec", "serviceName"),
            "warning",
        )
        return
    cluster_ip = get_path(service.data, ("spec", "clusterIP"))
    if cluster_ip != "None":
        if get_path(service.data, ("spec", "type")) == "ExternalName":
            shown = "type: ExternalName"
        elif isinstance(cluster_ip, str) and cluster_ip:
            shown = f"clusterIP: {cluster_ip}"
        else:
            shown = "a cluster IP is allocated to it"
        yield Violation(
            f"serviceName names Service {name}, which is not headless ({shown}); the pods get DNS names "
            f"({dns}) only from a headless Service (clusterIP: None)",
            ("spec", "serviceName"),
            "warning",
        )
        return
    selector = get_path(service.data, ("spec", "selector"))
    labels = pod_labels(entry)
    if isinstance(selector, Mapping) and selector:
        if not all(str(key) in labels and str(labels[str(key)]) == str(value) for key, value in selector.items()):
            wanted = ", ".join(f"{key}={value}" for key, value in sorted(selector.items(), key=str))
            yield Violation(
                f"serviceName names headless Service {name}, whose selector ({wanted}) does not match the pod "
                f"template's labels; the pods get DNS names ({dns}) only from the endpoints of a Service that selects them",
                ("spec", "serviceName"),
                "warning",
            )
