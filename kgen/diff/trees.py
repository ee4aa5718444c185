"""Both whole sides of a diff, for risk notes that look beyond one object.

A Service's selector is orphaned only if no pod of the *new* tree carries its
labels; a ConfigMap change is unrolled only if the workloads that read it
keep their pod template. ``Trees`` answers such questions from indexes built
once per side, the first time one is asked, so a diff stays linear in the
number of objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Iterator, Optional

from kgen.diff.result import ObjectKey
from kgen.model.k8s import WorkloadIndex, WorkloadShape, containers, get_path


@dataclass(frozen=True)
class Workload:
    """A workload of one side: its key, data, shape, and the labels its pods get."""

    key: ObjectKey
    data: Mapping[str, Any]
    shape: WorkloadShape
    pod_labels: Mapping[str, str]

    @property
    def pod_spec(self) -> Any:
        return get_path(self.data, self.shape.pod_spec_path)


class Tree:
    """The objects of one side, by key, with lazily built indexes."""

    def __init__(self, objects: Mapping[ObjectKey, Mapping[str, Any]], workloads: WorkloadIndex) -> None:
        self.objects = objects
        self._index = workloads

    def get(self, group: str, kind: str, namespace: str, name: str) -> Optional[Mapping[str, Any]]:
        found = self.objects.get(ObjectKey(group, kind, namespace, name))
        if found is None:  # copies of one object in several files carry their file in the key
            found = next((data for key, data in self._keyed(group, kind, namespace, name)), None)
        return found

    def _keyed(self, group: str, kind: str, namespace: str, name: str) -> Iterator[tuple[ObjectKey, Any]]:
        for key in self._by_namespace.get(namespace, ()):
            if (key.group, key.kind, key.name) == (group, kind, name):
                yield key, self.objects[key]

    @cached_property
    def _by_namespace(self) -> dict[str, list[ObjectKey]]:
        found: dict[str, list[ObjectKey]] = {}
        for key in self.objects:
            found.setdefault(key.namespace, []).append(key)
        return found

    def of_kind(self, namespace: str, group: str, *kinds: str) -> Iterator[tuple[ObjectKey, Mapping[str, Any]]]:
        """Objects of these kinds (in ``group``) in one namespace."""
        for key in self._by_kind.get((namespace, group), ()):
            if key.kind in kinds:
                yield key, self.objects[key]

    @cached_property
    def _by_kind(self) -> dict[tuple[str, str], list[ObjectKey]]:
        found: dict[tuple[str, str], list[ObjectKey]] = {}
        for key in self.objects:
            found.setdefault((key.namespace, key.group), []).append(key)
        return found

    def of_group(self, group: str, *kinds: str) -> Iterator[tuple[ObjectKey, Mapping[str, Any]]]:
        """Objects of these kinds (in ``group``) in every namespace."""
        for key in self._by_group.get(group, ()):
            if key.kind in kinds:
                yield key, self.objects[key]

    @cached_property
    def _by_group(self) -> dict[str, list[ObjectKey]]:
        found: dict[str, list[ObjectKey]] = {}
        for key in self.objects:
            found.setdefault(key.group, []).append(key)
        return found

    def workloads(self, namespace: str) -> list[Workload]:
        """Every workload in the namespace (built-in kinds and declared ones)."""
        return self._workloads.get(namespace, [])

    @cached_property
    def _workloads(self) -> dict[str, list[Workload]]:
        found: dict[str, list[Workload]] = {}
        for key, data in self.objects.items():
            shape = self._index.shape(data)
            if shape is not None:
                found.setdefault(key.namespace, []).append(Workload(key, data, shape, pod_labels(data, shape)))
        return found

    def workload(self, key: ObjectKey) -> Optional[Workload]:
        """The workload under this key; without a file, the first copy of it in any file."""
        return self._workload_by_key.get(key) or self._workload_by_key.get(replace(key, file=""))

    @cached_property
    def _workload_by_key(self) -> dict[ObjectKey, Workload]:
        found: dict[ObjectKey, Workload] = {}
        for workloads in self._workloads.values():
            for workload in workloads:
                found.setdefault(workload.key, workload)
                found.setdefault(replace(workload.key, file=""), workload)
        return found

    def shape(self, data: Mapping[str, Any]) -> Optional[WorkloadShape]:
        return self._index.shape(data)

    def selected(self, namespace: str, selector: Mapping[str, Any]) -> list[Workload]:
        """The workloads of the namespace whose pods a Service-style selector (labels, all equal) picks."""
        candidates = self._label_index.get(namespace, {})
        pairs = [(k, v) for k, v in selector.items()]
        if not pairs:
            return []
        sets = [candidates.get((str(k), str(v)), set()) for k, v in pairs]
        chosen = set.intersection(*sorted(sets, key=len))
        workloads = self.workloads(namespace)
        return [workloads[index] for index in sorted(chosen)]  # in tree order, without a scan of them all

    def config_map_readers(self, namespace: str, name: str) -> list[Workload]:
        """The workloads of the namespace whose containers name ConfigMap ``name`` in env
        (``envFrom`` or ``configMapKeyRef``), in tree order."""
        return self._config_map_readers.get((namespace, name), [])

    @cached_property
    def _config_map_readers(self) -> dict[tuple[str, str], list[Workload]]:
        found: dict[tuple[str, str], list[Workload]] = {}
        for namespace, workloads in self._workloads.items():
            for workload in workloads:
                for name in sorted(_env_config_maps(workload.pod_spec)):
                    found.setdefault((namespace, name), []).append(workload)
        return found

    @cached_property
    def _label_index(self) -> dict[str, dict[tuple[str, str], set[int]]]:
        """namespace -> (label, value) -> the positions in ``workloads(namespace)`` whose pods carry it."""
        found: dict[str, dict[tuple[str, str], set[int]]] = {}
        for namespace, workloads in self._workloads.items():
            labels = found.setdefault(namespace, {})
            for index, workload in enumerate(workloads):
                for pair in workload.pod_labels.items():
                    labels.setdefault(pair, set()).add(index)
        return found


class Trees:
    """The old and the new tree of a diff."""

    def __init__(
        self,
        old: Mapping[ObjectKey, Mapping[str, Any]],
        new: Mapping[ObjectKey, Mapping[str, Any]],
        workloads: WorkloadIndex = WorkloadIndex(),
    ) -> None:
        self.old = Tree(old, workloads)
        self.new = Tree(new, workloads)


def pod_labels(data: Mapping[str, Any], shape: WorkloadShape) -> Mapping[str, str]:
    """The labels the workload's pods carry: its template's labels, a bare Pod's own."""
    path = shape.labels_path if shape.template_path is not None else ("metadata", "labels")
    labels = get_path(data, path) if path is not None else None
    if not isinstance(labels, Mapping):
        return {}
    return {str(key): str(value) for key, value in labels.items() if isinstance(value, (str, int, float, bool))}


def selector_matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """A metav1.LabelSelector (matchLabels and matchExpressions, ANDed) against labels.

    ``{}`` matches everything and None nothing, as policy/v1 PodDisruptionBudget and
    NetworkPolicy read them; an expression with an unknown operator matches nothing
    (the API server rejects it)."""
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, Mapping):
        return False
    if any(labels.get(str(key)) != str(value) for key, value in match_labels.items()):
        return False
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        return False
    return all(_expression_matches(expression, labels) for expression in expressions)


def _expression_matches(expression: Any, labels: Mapping[str, str]) -> bool:
    if not isinstance(expression, Mapping):
        return False
    key, operator = str(expression.get("key")), expression.get("operator")
    values = [str(value) for value in expression.get("values") or [] if value is not None]
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def _env_config_maps(pod_spec: Any) -> set[str]:
    """The ConfigMaps a pod spec's containers read through env."""
    names: set[str] = set()
    for ref in containers(pod_spec, ()):
        for source in ref.data.get("envFrom") or ():
            if isinstance(source, Mapping) and isinstance(source.get("configMapRef"), Mapping):
                names.add(str(source["configMapRef"].get("name")))
        for variable in ref.data.get("env") or ():
            selector = get_path(variable, ("valueFrom", "configMapKeyRef")) if isinstance(variable, Mapping) else None
            if isinstance(selector, Mapping):
                names.add(str(selector.get("name")))
    return names
