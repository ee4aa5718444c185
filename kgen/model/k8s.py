"""The one module that knows where pod specs and containers live in each kind.

Everything else asks here; nothing else walks manifests for pod specs.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Iterable, Iterator

from kgen.load.yamlload import FieldPath
from kgen.model.numbers import digits_value

_TEMPLATE_SPEC: FieldPath = ("spec", "template", "spec")
_REPLICAS: FieldPath = ("spec", "replicas")
_SELECTOR: FieldPath = ("spec", "selector")

#: The traits a policy can target with ``workloads:`` (every one listed must hold).
TRAITS = ("pod-spec", "pod-template", "replicated", "run-to-completion", "long-running")


@dataclass(frozen=True)
class WorkloadShape:
    """Where a workload kind keeps its pod spec, replica count and selector, and how its pods run.

    The one description every rule, the cross-object index and diff's risk
    notes read; a kind declared in ``.kgen.yaml`` ``workloads:`` gets one too,
    so an Argo Rollout is treated like a Deployment.
    """

    pod_spec_path: FieldPath
    replicas_path: FieldPath | None = None  # None: its pod count is not a replica count
    selector_path: FieldPath | None = None
    run_to_completion: bool = False

    @property
    def template_path(self) -> FieldPath | None:
        """The pod template (``spec.template``), None for a bare pod spec (a Pod)."""
        if len(self.pod_spec_path) > 1 and self.pod_spec_path[-1] == "spec":
            return self.pod_spec_path[:-1]
        return None

    @property
    def labels_path(self) -> FieldPath | None:
        """Where the pods' labels are written: the template's metadata.labels."""
        template = self.template_path
        return template + ("metadata", "labels") if template is not None else None

    def place(self, name: str) -> FieldPath | None:
        """One of ``PLACES`` (``labels``, ``replicas``, ...) for this kind; None when it has none."""
        return {
            "podSpec": self.pod_spec_path,
            "template": self.template_path,
            "labels": self.labels_path,
            "replicas": self.replicas_path,
            "selector": self.selector_path,
        }[name]

    def resolve(self, path: FieldPath) -> FieldPath | None:
        """A path that may start at a place (``<labels>``, ``<replicas>``): the path in this kind's objects."""
        if not path or not is_place(path[0]):
            return path
        head = self.place(str(path[0])[1:-1])
        return head + path[1:] if head is not None else None

    @property
    def traits(self) -> frozenset[str]:
        found = {"pod-spec", "run-to-completion" if self.run_to_completion else "long-running"}
        if self.template_path is not None:
            found.add("pod-template")
        if self.replicas_path is not None:
            found.add("replicated")
        return frozenset(found)


#: Places of a workload a path can start from, written ``<labels>``: wherever its kind keeps them
#: (a pdb-missing finding points at ``<labels>``: spec.template.metadata.labels of a Deployment).
PLACES = ("podSpec", "template", "labels", "replicas", "selector")


def is_place(segment: str | int) -> bool:
    return isinstance(segment, str) and segment.startswith("<") and segment.endswith(">") and segment[1:-1] in PLACES


_REPLICATED_SHAPE = WorkloadShape(_TEMPLATE_SPEC, _REPLICAS, _SELECTOR)

#: The built-in workload kinds.
BUILTIN_SHAPES: dict[str, WorkloadShape] = {
    "Pod": WorkloadShape(("spec",)),
    "Deployment": _REPLICATED_SHAPE,
    "StatefulSet": _REPLICATED_SHAPE,
    "ReplicaSet": _REPLICATED_SHAPE,
    "ReplicationController": _REPLICATED_SHAPE,
    "DaemonSet": WorkloadShape(_TEMPLATE_SPEC, None, _SELECTOR),
    "Job": WorkloadShape(_TEMPLATE_SPEC, None, _SELECTOR, run_to_completion=True),
    "CronJob": WorkloadShape(("spec", "jobTemplate", "spec", "template", "spec"), run_to_completion=True),
}


@dataclass(frozen=True)
class WorkloadKind:
    """A custom resource that embeds a pod spec, taught to kgen by config."""

    kind: str
    pod_spec_path: FieldPath
    api_group: str | None = None  # None: any group
    replicas_path: FieldPath | None = None
    selector_path: FieldPath | None = None
    run_to_completion: bool = False

    @property
    def shape(self) -> WorkloadShape:
        return WorkloadShape(self.pod_spec_path, self.replicas_path, self.selector_path, self.run_to_completion)


def parse_field_path(text: str) -> FieldPath:
    """``spec.template.spec`` or ``spec.containers[0]`` -> a path tuple."""
    parts: list[str | int] = []
    for piece in text.strip(".").split("."):
        while "[" in piece and piece.endswith("]"):
            head, _, rest = piece.partition("[")
            if head:
                parts.append(head)
            index, _, tail = rest.partition("]")
            number = digits_value(index, 18)
            parts.append(number if number is not None else index)
            piece = tail
        if piece:
            parts.append(piece)
    return tuple(parts)


def format_field_path(path: FieldPath) -> str:
    """A path tuple -> ``spec.template.spec.containers[0].image``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def api_group(api_version: Any) -> str:
    """``apps/v1`` -> ``apps``; ``v1`` -> ``""`` (the core group)."""
    if not isinstance(api_version, str):
        return ""
    return api_version.rpartition("/")[0]


#: Kubernetes' defaults for a probe's unset timings.
PROBE_DEFAULTS: dict[str, int] = {
    "initialDelaySeconds": 0,
    "periodSeconds": 10,
    "timeoutSeconds": 1,
    "failureThreshold": 3,
}


@dataclass(frozen=True)
class ImageRef:
    """The parts of an image reference that matter for pinning."""

    tag: str | None  # None when there is none (which means latest)
    digest: str | None  # "sha256:..." when pinned by digest
    name: str = ""  # registry and repository, as written (``ghcr.io/acme/app`` of ``ghcr.io/acme/app:1.2``)

    @property
    def repository(self) -> str:
        """The last part of the name, lower case: ``golang`` of ``docker.io/library/golang``."""
        return self.name.rsplit("/", 1)[-1].lower()

    def mutable(self, moving_tags: Iterable[str] = ("latest",)) -> bool:
        """What runs can change without a manifest change: no digest, and no tag or a moving one."""
        return self.digest is None and (self.tag is None or self.tag in moving_tags)


def parse_image(image: str) -> ImageRef:
    """``registry:5000/app`` has no tag (the colon belongs to the registry host);
    ``app:1.2@sha256:...`` has both a tag and a digest."""
    name, at, digest = image.strip().partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.rsplit(":", 1)[1] if ":" in last else None
    if ":" in last:
        name = name[: len(name) - len(last)] + last.rsplit(":", 1)[0]
    return ImageRef(tag or None, digest if at and digest else None, name)


def is_object(data: Any) -> bool:
    """A Kubernetes object: a mapping with a non-empty string apiVersion and kind."""
    return (
        isinstance(data, Mapping)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
        and bool(data["apiVersion"])
        and bool(data["kind"])
    )


def objects_in(data: Any, base: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """The objects of a document and where they are: itself, or the items of a
    (nested) ``kind: List``. Anything that is not an object comes as None."""
    if not is_object(data):
        yield base, None
        return
    kind = data["kind"]
    items = data.get("items")
    if kind == "List" or (kind.endswith("List") and isinstance(items, list)):
        for index, item in enumerate(items if isinstance(items, list) else []):
            yield from objects_in(item, base + ("items", index))
        return
    yield base, data


def plain_copy(value: Any) -> Any:
    """A deep copy of plain data (dicts, lists, scalars): what a loaded document holds."""
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_copy(item) for item in value]
    return value


def get_path(data: Any, path: FieldPath) -> Any:
    """The value at ``path``, or None when any part is missing or of the wrong type."""
    node = data
    for key in path:
        if isinstance(key, str) and isinstance(node, Mapping):
            node = node.get(key)
        elif isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
            node = node[key]
        else:
            return None
    return node


class WorkloadIndex:
    """Which kinds are workloads, and their shapes: the built-ins plus configured kinds."""

    def __init__(self, custom: Iterable[WorkloadKind] = ()) -> None:
        self.custom = tuple(custom)

    def shape(self, obj: Mapping[str, Any]) -> WorkloadShape | None:
        kind = obj.get("kind")
        if not isinstance(kind, str):
            return None
        group = api_group(obj.get("apiVersion"))
        for custom in self.custom:
            if custom.kind == kind and (custom.api_group is None or custom.api_group == group):
                return custom.shape
        if kind in BUILTIN_SHAPES and group in _BUILTIN_GROUPS.get(kind, ()):
            return BUILTIN_SHAPES[kind]
        return None

    def pod_spec_path(self, obj: Mapping[str, Any]) -> FieldPath | None:
        shape = self.shape(obj)
        return shape.pod_spec_path if shape is not None else None


def replica_count(obj: Mapping[str, Any], shape: WorkloadShape | None) -> int | None:
    """The replica count with Kubernetes' default of 1; None when the kind has none (or it is not a number)."""
    if shape is None or shape.replicas_path is None:
        return None
    value = get_path(obj, shape.replicas_path)
    if value is None:
        return 1
    return value if isinstance(value, int) and not isinstance(value, bool) else None


#: The API groups that serve each built-in kind the rules name (served or since removed).
_BUILTIN_GROUPS: dict[str, tuple[str, ...]] = {
    "Pod": ("",),
    "ReplicationController": ("",),
    "Service": ("",),
    "ConfigMap": ("",),
    "Secret": ("",),
    "Namespace": ("",),
    "ServiceAccount": ("",),
    "PersistentVolumeClaim": ("",),
    "Deployment": ("apps", "extensions"),
    "StatefulSet": ("apps",),
    "DaemonSet": ("apps", "extensions"),
    "ReplicaSet": ("apps", "extensions"),
    "Job": ("batch",),
    "CronJob": ("batch",),
    "HorizontalPodAutoscaler": ("autoscaling",),
    "PodDisruptionBudget": ("policy",),
    "NetworkPolicy": ("networking.k8s.io", "extensions"),
    "Ingress": ("networking.k8s.io", "extensions"),
    "Role": ("rbac.authorization.k8s.io",),
    "ClusterRole": ("rbac.authorization.k8s.io",),
    "RoleBinding": ("rbac.authorization.k8s.io",),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io",),
}


_KUBERNETES_GROUPS = frozenset({"", "apps", "batch", "policy", "autoscaling", "extensions"})


#: Cluster-scoped kinds of the Kubernetes API groups (and the *.k8s.io projects kgen may meet).
CLUSTER_SCOPED = frozenset(
    {
        "Namespace", "Node", "PersistentVolume", "ComponentStatus",
        "ClusterRole", "ClusterRoleBinding",
        "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass",
        "CustomResourceDefinition", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
        "PriorityClass", "RuntimeClass", "IngressClass", "IPAddress", "ServiceCIDR", "ClusterCIDR",
        "CertificateSigningRequest", "ClusterTrustBundle", "PodSecurityPolicy",
        "FlowSchema", "PriorityLevelConfiguration",
        "TokenReview", "SelfSubjectReview", "SubjectAccessReview", "SelfSubjectAccessReview",
        "SelfSubjectRulesReview", "StorageVersion", "StorageVersionMigration",
        "DeviceClass", "ResourceSlice", "DeviceTaintRule",
        "GatewayClass", "VolumeSnapshotClass", "VolumeSnapshotContent", "NodeMetrics",
    }
)


def is_kubernetes_group(group: str) -> bool:
    """An API group Kubernetes itself serves (not a custom resource's)."""
    return group in _KUBERNETES_GROUPS or group.endswith(".k8s.io")


def is_builtin_group(kind: str, group: str) -> bool:
    """False only for a built-in kind under a group that does not serve it (``v1/Deployment``)."""
    groups = _BUILTIN_GROUPS.get(kind)
    return groups is None or group in groups


def pod_template_metadata_path(pod_spec_path: FieldPath) -> FieldPath:
    """Where the pod template's metadata sits, next to its spec."""
    return pod_spec_path[:-1] + ("metadata",)


@dataclass(frozen=True)
class ContainerRef:
    """A container inside an object: its data and where it is."""

    path: FieldPath
    name: str
    data: Mapping[str, Any]
    section: str  # containers | initContainers | ephemeralContainers

    @property
    def is_sidecar(self) -> bool:
        """A native sidecar: an init container that keeps running."""
        return self.section == "initContainers" and self.data.get("restartPolicy") == "Always"

    @property
    def long_running(self) -> bool:
        """Runs for the pod's life (so probes make sense)."""
        return self.section == "containers" or self.is_sidecar


def containers(
    pod_spec: Any, pod_spec_path: FieldPath, sections: tuple[str, ...] = ("initContainers", "containers")
) -> Iterator[ContainerRef]:
    """Every container of a pod spec, init containers (and native sidecars) first."""
    if not isinstance(pod_spec, Mapping):
        return
    for section in sections:
        items = pod_spec.get(section)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, Mapping):
                name = item.get("name")
                yield ContainerRef(
                    pod_spec_path + (section, index),
                    name if isinstance(name, str) else f"#{index}",
                    item,
                    section,
                )
