"""Object metadata: names per kind, the namespace, label and annotation keys and values (ValidateObjectMeta).

Every built-in kind's validation passes its own name rule to
ValidateObjectMeta (most a DNS-1123 subdomain); labels and annotations are
checked the same way for every kind, and again wherever labels are written
inside an object (a pod template, a selector's matchLabels).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Callable, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import formats, validates
from kgen.model.kubeschema import at_least
from kgen.model.k8s import CLUSTER_SCOPED
from kgen.check.validation.formats import quoted as q
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import format_field_path, get_path

NameRule = Callable[[str], list[str]]

#: ValidateObjectMeta's limit on the keys and values of all annotations together (TotalAnnotationSizeLimitB).
ANNOTATIONS_MAX_BYTES = 256 * 1024

#: Kinds whose name rule kgen does not hold them to: names that must be an IP address or a
#: version and group, and requests the API server answers without storing (no name needed).
_NAMES_NOT_CHECKED = frozenset(
    {
        "APIService", "IPAddress", "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration",
        "Event", "ComponentStatus", "Binding", "Eviction", "Scale",
        "TokenReview", "TokenRequest", "SubjectAccessReview", "LocalSubjectAccessReview",
        "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview",
    }
)
_RBAC = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})

#: StatefulSet names are DNS labels from 1.27 (their pods' hostnames are made of them); subdomains before.
STATEFULSET_NAME_IS_LABEL = (1, 27)
#: RelaxedServiceNameValidation (beta, on by default, in 1.36): Service names are DNS-1123 labels,
#: so they may start with a digit; DNS-1035 labels before.
SERVICE_NAME_RELAXED = (1, 36)
#: The CronJob controller names each Job <cronjob>-<11 characters>, and a Job's name must fit a label value.
CRONJOB_NAME_MAX = 52
#: The Job controller labels its pods job-name: <job name> (a label value) unless the selector is manual.
JOB_NAME_MAX = formats.LABEL_VALUE_MAX


_API_VERSION = re.compile(r"([a-z0-9.-]+/)?v[0-9]+((alpha|beta)[0-9]+)?\Z")


def _kubernetes_object(target: Target) -> bool:
    """An apiVersion Kubernetes could serve (``0.1.0`` names no group and no version: not an object of its API)."""
    api_version = target.obj.get("apiVersion")
    return isinstance(api_version, str) and _API_VERSION.match(api_version) is not None


def _name_rule(kind: str, version: str) -> tuple[NameRule, str] | None:
    """The function checking this kind's names, and what it is called; None when not checked."""
    if kind in _NAMES_NOT_CHECKED:
        return None
    if kind in _RBAC:
        return formats.path_segment, "a path segment"
    if kind == "Namespace" or (kind == "StatefulSet" and at_least(version, STATEFULSET_NAME_IS_LABEL)):
        return formats.dns1123_label, "a DNS-1123 label"
    if kind == "Service":
        if at_least(version, SERVICE_NAME_RELAXED):
            return formats.dns1123_label, "a DNS-1123 label"
        return formats.dns1035_label, "a DNS-1035 label"
    return formats.dns1123_subdomain, "a DNS-1123 subdomain"


def _prefix(value: str) -> str:
    """generateName: a trailing '-' is allowed, as the generated suffix follows it."""
    return value[:-1] + "a" if len(value) > 1 and value.endswith("-") else value


@validates("*")
def object_name(target: Target, ctx: Context) -> Iterator[Violation]:
    """metadata.name (or generateName) as the kind's validation requires it."""
    metadata = target.obj.get("metadata", {})
    if not isinstance(metadata, Mapping) or not _kubernetes_object(target):
        return  # the schema reports metadata that is not a mapping
    rule = _name_rule(target.kind, ctx.kubernetes_version)
    if rule is None:
        return
    check, called = rule
    name, generate = metadata.get("name"), metadata.get("generateName")
    if isinstance(generate, str) and generate:
        for error in check(_prefix(generate)):
            yield Violation(f"metadata.generateName: {q(generate)} is not {called}: {error}", ("metadata", "generateName"))
    if name is None or name == "":
        if not generate:
            yield Violation("metadata.name: Required value: name or generateName is required", ("metadata", "name"))
        return
    if not isinstance(name, str):
        return  # the schema reports a name that is not text
    for error in check(name):
        yield Violation(f"metadata.name: {q(name)} is not {called}: {error}", ("metadata", "name"))


@validates("Job")
def job_name_fits_its_pod_label(target: Target, ctx: Context) -> Iterator[Violation]:
    name = get_path(target.obj, ("metadata", "name"))
    if get_path(target.obj, ("spec", "manualSelector")) is True or not isinstance(name, str):
        return
    if len(name.encode("utf-8")) > JOB_NAME_MAX:
        yield Violation(
            f"metadata.name: must be no more than {JOB_NAME_MAX} characters: the Job's pods are labelled "
            "job-name with it, and a label value is at most 63 (spec.template.labels is refused)",
            ("metadata", "name"),
        )


@validates("CronJob")
def cronjob_name_leaves_room_for_its_jobs(target: Target, ctx: Context) -> Iterator[Violation]:
    name = get_path(target.obj, ("metadata", "name"))
    if isinstance(name, str) and len(name.encode("utf-8")) > CRONJOB_NAME_MAX:
        yield Violation(
            f"metadata.name: must be no more than {CRONJOB_NAME_MAX} characters "
            "(each Job it creates is named after it with an 11-character suffix)",
            ("metadata", "name"),
        )


@validates("*")
def object_namespace(target: Target, ctx: Context) -> Iterator[Violation]:
    """metadata.namespace of a namespaced kind is a DNS-1123 label (a cluster-scoped kind's is dropped)."""
    namespace = get_path(target.obj, ("metadata", "namespace"))
    if target.kind in CLUSTER_SCOPED or not isinstance(namespace, str) or not namespace or not _kubernetes_object(target):
        return
    for error in formats.dns1123_label(namespace):
        yield Violation(f"metadata.namespace: {q(namespace)} is not a DNS-1123 label: {error}", ("metadata", "namespace"))


@validates("*")
def object_labels_and_annotations(target: Target, ctx: Context) -> Iterator[Violation]:
    if not _kubernetes_object(target):
        return
    yield from labels_at(target.obj, ("metadata", "labels"))
    yield from annotations_at(target.obj, ("metadata", "annotations"))
    shape = target.entry.workload
    template = shape.template_path if shape is not None else None
    if template is not None:
        yield from labels_at(target.obj, template + ("metadata", "labels"))
        yield from annotations_at(target.obj, template + ("metadata", "annotations"))


_SELECTORS: dict[str, tuple[FieldPath, bool]] = {
    # kind -> where its selector is, and whether it is a plain map of labels (not a LabelSelector)
    "Deployment": (("spec", "selector"), False),
    "ReplicaSet": (("spec", "selector"), False),
    "StatefulSet": (("spec", "selector"), False),
    "DaemonSet": (("spec", "selector"), False),
    "Job": (("spec", "selector"), False),
    "ReplicationController": (("spec", "selector"), True),
    "Service": (("spec", "selector"), True),
    "PodDisruptionBudget": (("spec", "selector"), False),
    "NetworkPolicy": (("spec", "podSelector"), False),
}


@validates(*_SELECTORS)
def selector_labels(target: Target, ctx: Context) -> Iterator[Violation]:
    """The label keys and values a selector names must be valid labels (ValidateLabelSelector, ValidateLabels)."""
    at, plain = _SELECTORS[target.kind]
    if plain:
        yield from labels_at(target.obj, at)
        return
    yield from labels_at(target.obj, at + ("matchLabels",))
    expressions = get_path(target.obj, at + ("matchExpressions",))
    if not isinstance(expressions, list):
        return
    for index, expression in enumerate(expressions):
        if not isinstance(expression, Mapping):
            continue
        where = at + ("matchExpressions", index)
        key = expression.get("key")
        if isinstance(key, str):
            for error in formats.qualified_name(key):
                yield Violation(f"{format_field_path(where + ('key',))}: {q(key)}: {error}", where + ("key",))
        values = expression.get("values")
        if expression.get("operator") in ("In", "NotIn") and isinstance(values, list):
            for number, value in enumerate(values):
                if isinstance(value, str):
                    for error in formats.label_value(value):
                        shown = format_field_path(where + ("values", number))
                        yield Violation(f"{shown}: {q(value)}: {error}", where + ("values", number))


def labels_at(obj: Mapping[str, Any], at: FieldPath) -> Iterator[Violation]:
    """Each label key and value of the map at ``at`` (ValidateLabels), located at its key."""
    labels = get_path(obj, at)
    if not isinstance(labels, Mapping):
        return
    shown = format_field_path(at)
    for key, value in labels.items():
        if not isinstance(key, str):
            continue
        for error in formats.qualified_name(key):
            yield Violation(f"{shown}: label key {q(key)}: {error}", at + (key,))
        if isinstance(value, str):
            for error in formats.label_value(value):
                yield Violation(f"{shown}: value {q(value)} of label {q(key)}: {error}", at + (key,))


def annotations_at(obj: Mapping[str, Any], at: FieldPath) -> Iterator[Violation]:
    """Annotation keys are qualified names (compared in lower case); all of them together at most 256 KiB."""
    annotations = get_path(obj, at)
    if not isinstance(annotations, Mapping):
        return
    shown = format_field_path(at)
    total = 0
    for key, value in annotations.items():
        if not isinstance(key, str):
            continue
        total += len(key.encode("utf-8")) + (len(value.encode("utf-8")) if isinstance(value, str) else 0)
        for error in formats.qualified_name(key.lower()):
            yield Violation(f"{shown}: annotation key {q(key)}: {error}", at + (key,))
    if total > ANNOTATIONS_MAX_BYTES:
        yield Violation(
            f"{shown}: Too long: must have at most {ANNOTATIONS_MAX_BYTES} bytes "
            f"(the keys and values total {total} bytes)",
            at,
        )
