"""One object -> the canonical tree that is compared.

What makes two spellings of one cluster state compare equal:

* named lists become mappings keyed by name (``containers[web]``), so their
  order is not a change (see ``_LIST_KEYS`` for lists without names);
* quantities in quantity fields (``_QUANTITY_MAPS``, ``_QUANTITY_FIELDS``)
  compare by value (``1000m`` = ``1`` = ``"1"``) and keep their spelling;
* integer fields (``_INTEGER_FIELDS``: replicas, ports, probe timings, ...)
  compare ``"2"`` equal to ``2``; a quoted integer there is for
  ``kgen check`` (schema-invalid) to report, not a change in what runs;
* a Secret's ``stringData`` is folded into ``data`` as the API server does;
* server-set fields (``DEFAULT_IGNORES``) and the user's ``--ignore`` paths
  are dropped.

Nothing else is equated: elsewhere ``"2"`` and ``2`` are different values
(an env value, a label, a ConfigMap key are strings).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from fractions import Fraction
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Optional

from kgen.model.numbers import digits_value
from kgen.diff.paths import ANY, DEEP, Item, PatternPath, Segment, condition, segment_matches
from kgen.model.k8s import parse_image
from kgen.model.quantity import QuantityError, parse_quantity


@dataclass(frozen=True, eq=False)
class Quantity:
    """A quantity that compares by value and prints as it was written."""

    text: Any  # the manifest's spelling: "512Mi", 2, "0.5"
    value: Fraction

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


class NamedList(dict[str, Any]):
    """A list of named items, held as label -> item so that order is not a change.

    A dict subclass, so ``==`` and ``compare`` take it for a mapping; the type
    says that its keys read as ``[label]`` in paths.
    """

    __slots__ = ()


#: Fields the API server sets or that never change what runs (always dropped).
DEFAULT_IGNORES: tuple[PatternPath, ...] = (
    ("status",),
    ("metadata", "managedFields"),
    ("metadata", "resourceVersion"),
    ("metadata", "uid"),
    ("metadata", "creationTimestamp"),
    ("metadata", "generation"),
    ("metadata", "selfLink"),
    ("spec", "template", "metadata", "creationTimestamp"),
    ("spec", "jobTemplate", "metadata", "creationTimestamp"),
    ("spec", "jobTemplate", "spec", "template", "metadata", "creationTimestamp"),
    ("spec", "volumeClaimTemplates", ANY, "metadata", "creationTimestamp"),
    ("spec", "volumeClaimTemplates", ANY, "status"),
)

#: (parent key, key) of mappings whose values are all quantities.
_QUANTITY_MAPS = frozenset(
    {
        ("resources", "requests"),  # containers, pod-level resources, PVCs, volumeClaimTemplates
        ("resources", "limits"),
        ("spec", "capacity"),  # PersistentVolume
        ("spec", "hard"),  # ResourceQuota
        ("quota", "hard"),  # ClusterResourceQuota (OpenShift)
        ("limits", "max"),  # LimitRange spec.limits[*]
        ("limits", "min"),
        ("limits", "default"),
        ("limits", "defaultRequest"),
        ("limits", "maxLimitRequestRatio"),
        ("spec", "overhead"),  # pod overhead
        ("overhead", "podFixed"),  # RuntimeClass
        ("containerPolicies", "minAllowed"),  # VerticalPodAutoscaler
        ("containerPolicies", "maxAllowed"),
    }
)

#: (parent key, key) of single quantity fields.
_QUANTITY_FIELDS = frozenset(
    {
        ("emptyDir", "sizeLimit"),
        ("target", "averageValue"),  # HorizontalPodAutoscaler autoscaling/v2
        ("target", "value"),
        ("resource", "targetAverageValue"),  # autoscaling/v2beta1
        ("pods", "targetAverageValue"),
        ("object", "targetValue"),
        ("external", "targetValue"),
        ("external", "targetAverageValue"),
    }
)


#: Integer fields of the Kubernetes API (by field name): "2" and 2 are the same replica count.
_INTEGER_FIELDS = frozenset(
    {
        "replicas", "minReplicas", "maxReplicas", "revisionHistoryLimit", "minReadySeconds",
        "progressDeadlineSeconds", "port", "containerPort", "targetPort", "nodePort", "hostPort",
        "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold",
        "failureThreshold", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
        "backoffLimit", "completions", "parallelism", "ttlSecondsAfterFinished",
        "startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit",
        "averageUtilization", "targetCPUUtilizationPercentage", "runAsUser", "runAsGroup",
        "fsGroup", "priority", "weight", "defaultMode", "mode",
    }
)


def _integer(value: Any) -> Any:
    """An integer field's value: ``"2"`` and ``2`` compare equal and keep their spelling."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Quantity(value, Fraction(value))
    if isinstance(value, str):
        text = value.strip()
        number = digits_value(text[1:] if text.startswith("-") else text)
        if number is not None:
            return Quantity(value, Fraction(-number if text.startswith("-") else number))
    return value


def _port_label(item: Mapping[str, Any]) -> Optional[str]:
    """Container and Service ports without names: ``8080/TCP`` (protocol defaults to TCP)."""
    number = item.get("containerPort", item.get("port"))
    if isinstance(number, Quantity) and number.value.denominator == 1:
        number = int(number.value)
    protocol = item.get("protocol", "TCP")
    if isinstance(number, int) and not isinstance(number, bool) and isinstance(protocol, str):
        return f"{number}/{protocol}"
    return None


def _field_label(field: str) -> Callable[[Mapping[str, Any]], Optional[str]]:
    def label(item: Mapping[str, Any]) -> Optional[str]:
        value = item.get(field)
        return value if isinstance(value, str) else None

    return label


def _metadata_name_label(item: Mapping[str, Any]) -> Optional[str]:
    metadata = item.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    return name if isinstance(name, str) else None


#: Lists matched by their Kubernetes merge key when their items lack unique names.
_LIST_KEYS: dict[str, Callable[[Mapping[str, Any]], Optional[str]]] = {
    "ports": _port_label,
    "volumeMounts": _field_label("mountPath"),  # one volume may be mounted at several paths
    "volumeDevices": _field_label("devicePath"),
    "volumeClaimTemplates": _metadata_name_label,
}

_name_label = _field_label("name")


def normalize(obj: Mapping[str, Any], group: str, ignores: Iterable[PatternPath]) -> dict[str, Any]:
    """The canonical tree of one object (a new tree; ``obj`` is not changed)."""
    if group == "" and obj.get("kind") == "Secret":
        obj = _fold_string_data(obj)
    tree = _mapping(obj, None, None)
    for pattern in (*DEFAULT_IGNORES, *ignores):
        field, value = condition(pattern)
        _drop(tree, field, value)
    return tree


def _walk(node: Any, key: Optional[str], parent: Optional[str]) -> Any:
    if isinstance(node, dict):
        return _mapping(node, key, parent)
    if isinstance(node, list):
        # list items are walked in the context of the list's own key, so that
        # LimitRange spec.limits[*].max reads as ("limits", "max")
        items = [_walk(item, key, parent) for item in node]
        return _keyed(items, key)
    return node


def _mapping(node: Mapping[str, Any], key: Optional[str], parent: Optional[str]) -> dict[str, Any]:
    if (parent, key) in _QUANTITY_MAPS:
        return {k: _quantity(v) for k, v in node.items()}
    out: dict[str, Any] = {}
    for child_key, value in node.items():
        if (key, child_key) in _QUANTITY_FIELDS:
            out[child_key] = _quantity(value)
        elif child_key in _INTEGER_FIELDS and not isinstance(value, (dict, list)):
            out[child_key] = _integer(value)
        elif isinstance(value, (dict, list)):
            out[child_key] = _walk(value, child_key, key)
        else:
            out[child_key] = value
    return out


def _quantity(value: Any) -> Any:
    try:
        return Quantity(value, parse_quantity(value))
    except QuantityError:
        return value  # not a quantity: compared as written


def _keyed(items: list[Any], key: Optional[str]) -> list[Any] | NamedList:
    if not items or not all(isinstance(item, dict) for item in items):
        return items
    for labeller in (_name_label, _LIST_KEYS.get(key or "")):
        if labeller is None:
            continue
        labels = [label for label in map(labeller, items) if label is not None]
        if len(labels) == len(items) and len(set(labels)) == len(labels):
            return NamedList(zip(labels, items))
    return items


def _fold_string_data(secret: Mapping[str, Any]) -> Mapping[str, Any]:
    string_data = secret.get("stringData")
    data = secret.get("data")
    if not isinstance(string_data, dict) or not isinstance(data, (dict, type(None))):
        return secret
    folded = dict(data or {})
    rest = {}
    for name, value in string_data.items():
        if isinstance(value, str):
            folded[name] = base64.b64encode(value.encode("utf-8")).decode("ascii")
        else:
            rest[name] = value
    result = {k: v for k, v in secret.items() if k != "stringData"}
    result["data"] = folded
    if rest:
        result["stringData"] = rest
    return result


def _drop(node: Any, pattern: PatternPath, value: str | None = None) -> None:
    """Remove every field ``pattern`` names from the tree (in place); with ``value``, only
    where the field holds it (as text)."""
    head, rest = pattern[0], pattern[1:]
    if head == DEEP:
        if rest:
            _drop(node, rest, value)  # ** spanning no segment
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in list(children):
            _drop(child, pattern, value)
        return
    if isinstance(node, dict):
        matching = [k for k in node if segment_matches(head, _segment(node, k))]
        for k in matching:
            if rest:
                _drop(node[k], rest, value)
            elif value is None or _holds(node, k, value):
                del node[k]
    elif isinstance(node, list):
        matching_indexes = [i for i in range(len(node)) if segment_matches(head, i)]
        for i in reversed(matching_indexes):
            if rest:
                _drop(node[i], rest, value)
            elif value is None or (not isinstance(node[i], (dict, list)) and str(node[i]) == value):
                del node[i]


def _holds(mapping: dict[str, Any], key: str, value: str) -> bool:
    """Whether ``mapping[key]`` is ``value`` written out, so dropping it changes nothing."""
    found = mapping[key]
    if isinstance(found, (dict, list)) or str(found) != value:
        return False
    if key == "imagePullPolicy" and value == "IfNotPresent":
        # IfNotPresent is the default only for an image with a tag other than latest (or a digest)
        return not parse_image(str(mapping.get("image", ""))).mutable()
    return True


def _segment(node: dict[str, Any], key: str) -> Segment:
    return Item(key) if isinstance(node, NamedList) else key
