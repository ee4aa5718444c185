"""The cross-object index, built once, and label selectors.

Rules that relate objects (an HPA and its target, a PDB and the pods it
selects) read this index; they never go back to the files. Only the objects
such rules look at are kept whole (workloads, HPAs, PDBs); for every other
object only its key is kept, so memory grows with the index, not the tree.
"""

from __future__ import annotations

import heapq
import sys

from dataclasses import dataclass, field, replace
from functools import partial
from collections.abc import Mapping
from typing import Any, Callable, Hashable, Iterable, Iterator, TypeVar

from kgen.check.exemptions import Suppression
from kgen.check.result import CheckedObject, ObjectRef
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import WorkloadShape, api_group, get_path, replica_count
from kgen.model.numbers import digits_value

DEFAULT_NAMESPACE = "default"

#: Kinds besides workloads that are kept whole for cross-object rules.
RELATION_KINDS = frozenset({"HorizontalPodAutoscaler", "PodDisruptionBudget", "Namespace"}) | frozenset(
    {"ClusterRole", "RoleBinding", "ClusterRoleBinding"}  # RBAC: the bindings, and aggregating ClusterRoles
)
RBAC_GROUP = "rbac.authorization.k8s.io"
#: Core kinds pods refer to by name; ConfigMaps and Secrets are kept by their names and keys only.
CONFIG_KINDS = frozenset({"ConfigMap", "Secret"})
NETWORKING_GROUP = "networking.k8s.io"
GATEWAY_GROUP = "gateway.networking.k8s.io"

T = TypeVar("T")


def is_indexed(entry: "ObjectEntry") -> bool:
    """Kept whole in the index: every pod-template workload (custom kinds included), HPA and PDB."""
    if entry.kind == "Service" and entry.group == "":  # which workloads a Service sends traffic to
        return True
    if entry.kind in RELATION_KINDS or entry.kind == "ServiceAccount":  # ServiceAccounts: do pods mount their tokens
        return True
    if entry.kind in CONFIG_KINDS and entry.group == "":  # the keys pods read from them
        return True
    if (entry.kind, entry.group) in (("NetworkPolicy", NETWORKING_GROUP), ("ReferenceGrant", GATEWAY_GROUP)):
        return True  # which pods a policy isolates; which cross-namespace references a grant allows
    return entry.workload is not None and (entry.workload.template_path is not None or _is_bare_pod(entry))


def _is_bare_pod(entry: "ObjectEntry") -> bool:
    """A pod spec at the object's own spec (a Pod): its pods' labels are the object's."""
    return entry.workload is not None and entry.workload.pod_spec_path == ("spec",)


@dataclass
class ObjectEntry:
    """One object read from a source, with what is needed to locate its fields later."""

    ref: ObjectRef
    data: Mapping[str, Any]
    source: str
    doc_index: int
    base: FieldPath  # () for a top-level object, ("items", i) inside a List
    line_span: tuple[int, int]  # the document's source lines, to re-read it alone
    line: int
    column: int
    suppressions: tuple[Suppression, ...] = ()  # kgen.dev/ignore and kgen:ignore comments that apply to it
    workload: WorkloadShape | None = None  # where its pod spec, replicas and selector live, if a workload
    applied: list[str] = field(default_factory=list)  # ids of the rules that looked at it
    #: Positions of the fields cross-object rules may report, taken while its document was read.
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def checked(self) -> CheckedObject:
        return CheckedObject(self.ref, self.source, self.line, self.column, tuple(sorted(set(self.applied))))

    @property
    def kind(self) -> str:
        return self.ref.kind

    @property
    def pod_spec_path(self) -> FieldPath | None:
        return self.workload.pod_spec_path if self.workload is not None else None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.namespace, self.group, self.kind, self.ref.name)

    @property
    def namespace(self) -> str:
        return self.ref.namespace or DEFAULT_NAMESPACE

    @property
    def group(self) -> str:
        return api_group(self.ref.api_version)


Key = tuple[str, str, str, str]  # (namespace, group, kind, name)


def config_keys_only(entry: ObjectEntry) -> ObjectEntry:
    """A ConfigMap or Secret as the index keeps it: its name and the names of its keys, never a value.

    The keys of data, binaryData and stringData (the API server merges
    stringData into data), each mapped to an empty string. Any other object
    is returned as it is.
    """
    if entry.kind not in CONFIG_KINDS or entry.group != "":
        return entry
    slim: dict[str, Any] = {"apiVersion": entry.data.get("apiVersion"), "kind": entry.kind}
    for scalar in ("type", "immutable"):
        if scalar in entry.data:
            slim[scalar] = entry.data[scalar]
    for section in ("data", "binaryData", "stringData"):
        values = entry.data.get(section)
        if isinstance(values, Mapping):
            slim[section] = dict.fromkeys(map(str, values), "")
    return replace(entry, data=slim, positions={})


def scale_target(hpa: ObjectEntry) -> Key | None:
    """The key of the object an HPA's scaleTargetRef names, as the HPA controller resolves it.

    The group comes from scaleTargetRef.apiVersion (``apps/v1`` -> ``apps``); with
    no apiVersion it is the core group ``""``, where the controller finds no
    scalable workload. None when kind, name or apiVersion is not a string
    (schema-invalid reports it).
    """
    ref = get_path(hpa.data, ("spec", "scaleTargetRef"))
    if not isinstance(ref, Mapping):
        return None
    kind, name, api_version = ref.get("kind"), ref.get("name"), ref.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(name, str) or not isinstance(api_version, (str, type(None))):
        return None
    group = api_group(api_version) if api_version is not None else ""
    return (hpa.namespace, group, kind, name)


@dataclass
class ObjectIndex:
    """Objects by what relates them, so every lookup is a dictionary access."""

    keys: set[Key] = field(default_factory=set)
    workloads: list[ObjectEntry] = field(default_factory=list)
    hpas: list[ObjectEntry] = field(default_factory=list)
    pdbs: list[ObjectEntry] = field(default_factory=list)
    _workloads_by_name: dict[Key, list[ObjectEntry]] = field(default_factory=dict)
    _workloads_by_namespace: dict[str, list[ObjectEntry]] = field(default_factory=dict)
    _hpas_by_target: dict[Key, list[ObjectEntry]] = field(default_factory=dict)
    _pdbs_by_namespace: dict[str, list[ObjectEntry]] = field(default_factory=dict)
    _namespaces: dict[str, ObjectEntry] = field(default_factory=dict)  # core Namespaces by name
    _service_accounts: dict[tuple[str, str], ObjectEntry] = field(default_factory=dict)  # (namespace, name)
    #: RBAC bindings by the role they grant: (kind, namespace or "" for a ClusterRole, name).
    _bindings_by_role: dict[tuple[str, str, str], list[ObjectEntry]] = field(default_factory=dict)
    aggregating_roles: list[ObjectEntry] = field(default_factory=list)  # ClusterRoles with an aggregationRule
    _kinds: set[tuple[str, str]] = field(default_factory=set)  # (group, kind) of every checked object
    _services: dict[tuple[str, str], ObjectEntry] = field(default_factory=dict)  # core Services by (namespace, name)
    #: Core Services by their own labels (what a ServiceMonitor selects): (key, value) and key alone.
    _services_by_own_label: dict[tuple[str, str], list[ObjectEntry]] = field(default_factory=dict)
    _services_by_own_label_key: dict[str, list[ObjectEntry]] = field(default_factory=dict)
    _services_in: dict[str, list[ObjectEntry]] = field(default_factory=dict)  # core Services by namespace
    #: ConfigMaps and Secrets by (kind, namespace, name): the names of their keys (never their values).
    #: (kind, namespace, name) -> its key names, sorted and interned (a tuple: a few hundred bytes for a
    #: ConfigMap of dozens of keys, where a set would take kilobytes, for every ConfigMap of a large tree)
    _config_keys: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)
    _mutable_configs: set[tuple[str, str, str]] = field(default_factory=set)  # any copy not immutable: true
    #: Everything that runs pods (bare Pods too) by namespace, by (namespace, label key, value) and
    #: (namespace, label key) of its pods: what a Service, PDB or NetworkPolicy of that namespace selects.
    _pods_in: dict[str, list[ObjectEntry]] = field(default_factory=dict)
    _pods_by_label: dict[tuple[str, str, str], list[ObjectEntry]] = field(default_factory=dict)
    _pod_order: dict[int, int] = field(default_factory=dict)  # id(pod object) -> when it was added
    _pods_by_label_key: dict[tuple[str, str], list[ObjectEntry]] = field(default_factory=dict)
    _network_policies_in: dict[str, list[ObjectEntry]] = field(default_factory=dict)
    _reference_grants_in: dict[str, list[ObjectEntry]] = field(default_factory=dict)
    #: Per namespace, computed on first use: (ingress, egress) of a policy selecting every pod, and
    #: (ingress, egress) per object (by id) that some policy selects.
    _isolation: dict[str, tuple[tuple[bool, bool], dict[int, tuple[bool, bool]]]] = field(default_factory=dict)
    #: Answers worked out once for a selector or label set that many objects share (2,000 Services
    #: with one selector read its pods once, not 2,000 times); emptied whenever an object is added.
    _memo: dict[Hashable, Any] = field(default_factory=dict)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, kept for the rest of the run under ``key``: a tuple of plain values (strings,
        numbers, selectors as read), compared as :func:`frozen` compares them. A key holding something
        that cannot be frozen is computed every time."""
        held = frozen(key)
        if held is None:
            return compute()
        try:
            found: T = self._memo[held]
            return found
        except KeyError:
            value = self._memo[held] = compute()
            return value

    def add_key(self, key: Key) -> None:
        self.keys.add(key)
        self._kinds.add((key[1], key[2]))

    def add(self, entry: ObjectEntry) -> None:
        self.add_key(entry.key)
        if self._memo:
            self._memo.clear()
        if entry.kind == "Service" and entry.group == "":
            self._add_service(entry)
            return
        if entry.kind == "ServiceAccount":
            if entry.group == "":
                self._service_accounts.setdefault((entry.namespace, entry.ref.name), entry)
        elif entry.kind == "HorizontalPodAutoscaler":
            self.hpas.append(entry)
            target = scale_target(entry)
            if target is not None:
                self._hpas_by_target.setdefault(target, []).append(entry)
        elif entry.kind == "Namespace":
            if entry.group == "":
                self._namespaces.setdefault(entry.ref.name, entry)
        elif entry.kind == "PodDisruptionBudget":
            self.pdbs.append(entry)
            self._pdbs_by_namespace.setdefault(entry.namespace, []).append(entry)
        elif entry.group == RBAC_GROUP and entry.kind in ("RoleBinding", "ClusterRoleBinding", "ClusterRole"):
            self._add_rbac(entry)
        elif entry.kind in CONFIG_KINDS and entry.group == "":
            self._add_config(entry)
        elif (entry.kind, entry.group) == ("NetworkPolicy", NETWORKING_GROUP):
            self._network_policies_in.setdefault(entry.namespace, []).append(entry)
            self._isolation.clear()
        elif (entry.kind, entry.group) == ("ReferenceGrant", GATEWAY_GROUP):
            self._reference_grants_in.setdefault(entry.namespace, []).append(entry)
        elif is_indexed(entry):
            self._add_pods(entry)
            if _is_bare_pod(entry):
                return  # selected by its labels only: never a scale target, nor a budget's replica count
            self.workloads.append(entry)
            self._workloads_by_name.setdefault(entry.key, []).append(entry)
            self._workloads_by_namespace.setdefault(entry.namespace, []).append(entry)

    def _add_pods(self, entry: ObjectEntry) -> None:
        namespace = entry.namespace
        self._pods_in.setdefault(namespace, []).append(entry)
        self._pod_order.setdefault(id(entry), len(self._pod_order))
        for key, value in labels_of_pods(entry).items():
            self._pods_by_label.setdefault((namespace, str(key), str(value)), []).append(entry)
            self._pods_by_label_key.setdefault((namespace, str(key)), []).append(entry)
        self._isolation.clear()

    def _add_config(self, entry: ObjectEntry) -> None:
        """A ConfigMap's or Secret's key names, with those of every other copy of it (a kustomize patch
        of the same name adds keys); a service-account-token Secret gets the keys its controller fills."""
        sections = (entry.data.get(section) for section in ("data", "binaryData", "stringData"))
        names = {str(k) for section in sections if isinstance(section, Mapping) for k in section}
        if entry.kind == "Secret" and entry.data.get("type") == "kubernetes.io/service-account-token":
            names |= {"token", "ca.crt", "namespace"}
        where = (entry.kind, entry.namespace, entry.ref.name)
        names.update(self._config_keys.get(where, ()))
        self._config_keys[where] = tuple(sorted(map(sys.intern, names)))
        if entry.data.get("immutable") is not True:
            self._mutable_configs.add(where)

    def _add_service(self, entry: ObjectEntry) -> None:
        self._services.setdefault((entry.namespace, entry.ref.name), entry)
        self._services_in.setdefault(entry.namespace, []).append(entry)
        labels = get_path(entry.data, ("metadata", "labels"))
        for key, value in labels.items() if isinstance(labels, Mapping) else ():
            self._services_by_own_label.setdefault((str(key), str(value)), []).append(entry)
            self._services_by_own_label_key.setdefault(str(key), []).append(entry)

    def _add_rbac(self, entry: ObjectEntry) -> None:
        if entry.kind == "ClusterRole":
            if isinstance(entry.data.get("aggregationRule"), Mapping):
                self.aggregating_roles.append(entry)
            return
        granted = role_ref(entry)
        if granted is not None:
            self._bindings_by_role.setdefault(granted, []).append(entry)

    def bindings_of(self, role: ObjectEntry) -> Iterator[ObjectEntry]:
        """The RoleBindings and ClusterRoleBindings whose roleRef names this Role or ClusterRole."""
        yield from self._bindings_by_role.get(role_key(role), ())

    def namespace(self, name: str) -> ObjectEntry | None:
        """The checked Namespace object of that name, if any."""
        return self._namespaces.get(name)

    def has(self, key: Key) -> bool:
        return key in self.keys

    def has_kind(self, group: str, kind: str) -> bool:
        """Whether any object of this kind (in this API group) was checked."""
        return (group, kind) in self._kinds

    def service(self, namespace: str, name: str) -> ObjectEntry | None:
        """The checked core Service of that name in that namespace (the first one read), if any."""
        return self._services.get((namespace, name))

    def config_keys(self, kind: str, namespace: str, name: str) -> frozenset[str] | None:
        """The key names of the checked ConfigMap or Secret of that name; None when none was checked."""
        keys = self._config_keys.get((kind, namespace, name))
        return frozenset(keys) if keys is not None else None

    def config_mutable(self, kind: str, namespace: str, name: str) -> bool:
        """Whether the checked ConfigMap or Secret of that name may change in place (not immutable: true)."""
        return (kind, namespace, name) in self._mutable_configs

    def services_selected(self, selector: Any, namespaces: frozenset[str] | None) -> tuple[ObjectEntry, ...]:
        """Core Services whose own labels a LabelSelector matches, in those namespaces (None: in any)."""
        return self.memo(
            ("services-selected", selector, namespaces), lambda: tuple(self._services_selected(selector, namespaces))
        )

    def _services_selected(self, selector: Any, namespaces: frozenset[str] | None) -> Iterator[ObjectEntry]:
        candidates = _candidates(
            selector, self._services_by_own_label, self._services_by_own_label_key, self._services_in, namespaces
        )
        for service in candidates:
            if namespaces is None or service.namespace in namespaces:
                if selector_matches(selector, _labels(service.data, ("metadata", "labels")), empty_matches_all=True):
                    yield service

    def pod_namespaces(self) -> list[str]:
        """The namespaces where an object that runs pods was checked."""
        return sorted(self._pods_in)

    def has_pods(self, namespace: str | None = None) -> bool:
        """Whether any object that runs pods (a workload or a bare Pod) was checked, in that namespace if given."""
        return bool(self._pods_in.get(namespace)) if namespace is not None else bool(self._pods_in)

    def pods_selected(self, namespace: str, selector: Any, empty_matches_all: bool) -> tuple[ObjectEntry, ...]:
        """Workloads and bare Pods of the namespace whose pods' labels a LabelSelector matches.

        Candidates come from the selector's most selective term (a matchLabels
        pair, an In expression's values, an Exists key), so a lookup reads the
        objects carrying that label, not the namespace. Only a selector with no
        such term (empty, or NotIn and DoesNotExist alone) reads the namespace's
        pod objects: an empty one matches the first it reads, and a NotIn or
        DoesNotExist one matches every pod that lacks what it excludes. The
        answer is kept for the run: objects sharing a selector share it.
        """
        return self.memo(
            ("pods-selected", namespace, selector, empty_matches_all),
            lambda: tuple(
                entry
                for entry in self._pod_candidates(namespace, selector)
                if selector_matches(selector, _with_controller_labels(entry, selector), empty_matches_all)
            ),
        )

    def _pod_candidates(self, namespace: str, selector: Any) -> list[ObjectEntry]:
        if not isinstance(selector, Mapping):
            return []
        terms: list[list[ObjectEntry]] = []
        match_labels = selector.get("matchLabels")
        if isinstance(match_labels, Mapping):
            terms.extend(
                self._pods_by_label.get((namespace, str(k), str(v)), [])
                for k, v in match_labels.items()
                if k not in CONTROLLER_LABELS  # set on the pods by their controller, never indexed
            )
        expressions = selector.get("matchExpressions")
        for expression in expressions if isinstance(expressions, list) else ():
            if not isinstance(expression, Mapping) or not isinstance(expression.get("key"), str):
                continue
            key, operator, values = expression["key"], expression.get("operator"), expression.get("values")
            if key in CONTROLLER_LABELS:
                continue
            if operator == "In" and isinstance(values, list):
                found = [self._pods_by_label.get((namespace, key, value), []) for value in dict.fromkeys(map(str, values))]
                # in the order the objects were added, as every other term lists them (one value's after another's is not)
                merged = heapq.merge(*found, key=lambda entry: self._pod_order[id(entry)])
                terms.append(list({id(entry): entry for entry in merged}.values()))
            elif operator == "Exists":
                terms.append(self._pods_by_label_key.get((namespace, key), []))
        return min(terms, key=len) if terms else self._pods_in.get(namespace, [])

    def network_policies_in(self, namespace: str) -> list[ObjectEntry]:
        """The checked NetworkPolicies (networking.k8s.io) of a namespace."""
        return self._network_policies_in.get(namespace, [])

    def reference_grants_in(self, namespace: str) -> list[ObjectEntry]:
        """The checked Gateway API ReferenceGrants of a namespace."""
        return self._reference_grants_in.get(namespace, [])

    def isolation(self, entry: ObjectEntry) -> tuple[bool, bool]:
        """Whether some NetworkPolicy of its namespace selects its pods for Ingress, and for Egress.

        Worked out once per namespace: each policy marks the pod objects its
        podSelector selects (found as pods_selected finds them); a policy
        with an empty podSelector marks the whole namespace at once.
        """
        marks = self._isolation.get(entry.namespace)
        if marks is None:
            marks = self._isolation[entry.namespace] = self._isolate(entry.namespace)
        (all_ingress, all_egress), selected = marks
        ingress, egress = selected.get(id(entry), (False, False))
        return all_ingress or ingress, all_egress or egress

    def _isolate(self, namespace: str) -> tuple[tuple[bool, bool], dict[int, tuple[bool, bool]]]:
        all_ingress = all_egress = False
        selected: dict[int, tuple[bool, bool]] = {}
        #: the policies' selectors, each once (policies sharing one mark its pods once), with the
        #: directions any of them isolates
        by_selector: dict[Hashable, tuple[Any, bool, bool]] = {}
        for number, policy in enumerate(self.network_policies_in(namespace)):
            types = policy_types(policy)
            ingress, egress = "Ingress" in types, "Egress" in types
            selector = get_path(policy.data, ("spec", "podSelector"))
            if selector is None or selector_is_empty(selector):
                all_ingress, all_egress = all_ingress or ingress, all_egress or egress
                continue
            key = frozen(selector)
            key = ("unfrozen", number) if key is None else key
            _, had_ingress, had_egress = by_selector.get(key, (selector, False, False))
            by_selector[key] = (selector, had_ingress or ingress, had_egress or egress)
        for selector, ingress, egress in by_selector.values():
            for pods in self.pods_selected(namespace, selector, empty_matches_all=True):
                had_ingress, had_egress = selected.get(id(pods), (False, False))
                selected[id(pods)] = (had_ingress or ingress, had_egress or egress)
        return (all_ingress, all_egress), selected

    def service_account(self, namespace: str, name: str) -> ObjectEntry | None:
        """The checked ServiceAccount of that name in that namespace (the first one read), if any."""
        return self._service_accounts.get((namespace, name))

    def hpas_for(self, workload: ObjectEntry) -> Iterator[ObjectEntry]:
        """HPAs whose scaleTargetRef names this workload: same namespace, API group, kind and name."""
        yield from self._hpas_by_target.get(workload.key, ())

    def target_of(self, hpa: ObjectEntry) -> ObjectEntry | None:
        target = scale_target(hpa)
        if target is None:
            return None
        return next(iter(self._workloads_by_name.get(target, ())), None)

    def pdbs_for(self, workload: ObjectEntry) -> Iterator[ObjectEntry]:
        """PDBs in the workload's namespace whose selector matches its pod labels, in the order read.

        Worked out once per namespace from the budgets' side: each distinct
        selector finds its workloads as workloads_for finds them (by its
        rarest label), so budgets and workloads are never paired one by one.
        """
        marks = self.memo(("pdbs-for", workload.namespace), lambda: self._budget_marks(workload.namespace))
        for _, pdb in heapq.merge(*marks.get(id(workload), ()), key=lambda placed: placed[0]):
            yield pdb

    def _budget_marks(self, namespace: str) -> dict[int, list[list[tuple[int, ObjectEntry]]]]:
        return _marks(
            (
                number,
                pdb,
                frozen((get_path(pdb.data, ("spec", "selector")), _empty_selects_all(pdb))),
                partial(self.workloads_for, pdb),
            )
            for number, pdb in enumerate(self._pdbs_by_namespace.get(namespace, ()))
        )

    def services_for(self, workload: ObjectEntry) -> Iterator[ObjectEntry]:
        """Services in the workload's namespace whose spec.selector its pod labels match, in the order read.

        A Service's selector is a plain label map; one that is missing or empty
        selects no pods (its endpoints are managed by hand). Worked out once
        per namespace from the Services' side, as pdbs_for is.
        """
        marks = self.memo(("services-for", workload.namespace), lambda: self._service_marks(workload.namespace))
        for _, service in heapq.merge(*marks.get(id(workload), ()), key=lambda placed: placed[0]):
            yield service

    def _service_marks(self, namespace: str) -> dict[int, list[list[tuple[int, ObjectEntry]]]]:
        def serving(selector: Mapping[str, Any]) -> Iterator[ObjectEntry]:
            for candidate in self._pod_candidates(namespace, {"matchLabels": selector}):
                labels = {str(key): str(value) for key, value in pod_labels(candidate).items()}
                if all(labels.get(str(key)) == str(value) for key, value in selector.items()):
                    yield candidate

        return _marks(
            (number, service, frozen(selector), partial(serving, selector))
            for number, service in enumerate(self._services_in.get(namespace, ()))
            for selector in [get_path(service.data, ("spec", "selector"))]
            if isinstance(selector, Mapping) and selector
        )

    def workloads_for(self, pdb: ObjectEntry) -> tuple[ObjectEntry, ...]:
        """The workloads (bare Pods aside) of the PDB's namespace whose pod template labels its selector
        matches, found among the candidates of pods_selected; kept for PDBs with the same selector."""
        selector = get_path(pdb.data, ("spec", "selector"))
        empty = _empty_selects_all(pdb)
        return self.memo(
            ("workloads-for", pdb.namespace, selector, empty),
            lambda: tuple(
                workload
                for workload in self._pod_candidates(pdb.namespace, selector)
                if not _is_bare_pod(workload) and selector_matches(selector, pod_labels(workload), empty)
            ),
        )


def _candidates(
    selector: Any,
    by_label: Mapping[tuple[str, str], list[ObjectEntry]],
    by_label_key: Mapping[str, list[ObjectEntry]],
    by_namespace: Mapping[str, list[ObjectEntry]],
    namespaces: frozenset[str] | None,
) -> Iterator[ObjectEntry]:
    """The objects a LabelSelector may match, found by one of its terms rather than by a scan: a
    matchLabels pair, an In expression's values, an Exists expression's key; only a selector with
    none of those (empty, or NotIn / DoesNotExist alone) reads every object of the namespaces."""
    if not isinstance(selector, Mapping):
        return
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping) and match_labels:
        yield from by_label.get(min((str(k), str(v)) for k, v in match_labels.items()), ())
        return
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        if not isinstance(expression, Mapping) or not isinstance(expression.get("key"), str):
            continue
        key, values = expression["key"], expression.get("values")
        if expression.get("operator") == "In" and isinstance(values, list):
            seen: set[int] = set()
            for value in dict.fromkeys(map(str, values)):
                for entry in by_label.get((key, value), ()):
                    if id(entry) not in seen:
                        seen.add(id(entry))
                        yield entry
            return
        if expression.get("operator") == "Exists":
            yield from by_label_key.get(key, ())
            return
    if namespaces is None:
        for entries in by_namespace.values():
            yield from entries
    else:
        for namespace in sorted(namespaces):
            yield from by_namespace.get(namespace, ())


def frozen(value: Any) -> Hashable | None:
    """A hashable stand-in for a value read from YAML (and tuples and frozensets of such values), equal
    for equal values of the same types and order (``1`` and ``"1"`` differ); None when it holds
    something that cannot be hashed."""
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            pair = (frozen(key), frozen(item))
            if pair[0] is None or pair[1] is None:
                return None
            items.append(pair)
        return ("map", tuple(items))
    if isinstance(value, (list, tuple)):
        parts = tuple(frozen(item) for item in value)
        return None if any(part is None for part in parts) else (type(value).__name__, parts)
    if value is None or isinstance(value, (str, int, float, bool, frozenset)):
        return (type(value).__name__, value)
    return None


def _marks(
    selecting: Iterable[tuple[int, ObjectEntry, Hashable | None, Callable[[], Iterable[ObjectEntry]]]],
) -> dict[int, list[list[tuple[int, ObjectEntry]]]]:
    """For each object some of the selecting objects select (by id): the groups of those, each group
    the objects sharing one selector with their places in the order read. ``selecting`` gives (place,
    object, its selector frozen, what the selector selects); each distinct selector is evaluated once."""
    groups: dict[Hashable, tuple[list[tuple[int, ObjectEntry]], Callable[[], Iterable[ObjectEntry]]]] = {}
    for number, entry, key, selected in selecting:
        groups.setdefault(("unfrozen", number) if key is None else key, ([], selected))[0].append((number, entry))
    marks: dict[int, list[list[tuple[int, ObjectEntry]]]] = {}
    for members, selected in groups.values():
        for entry in selected():
            marks.setdefault(id(entry), []).append(members)
    return marks


def _labels(data: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    labels = get_path(data, path)
    return labels if isinstance(labels, Mapping) else {}


def labels_of_pods(entry: ObjectEntry) -> Mapping[str, Any]:
    """The labels of the pods an object runs: its pod template's, or a bare Pod's own; {} when unknown."""
    if _is_bare_pod(entry):
        return _labels(entry.data, ("metadata", "labels"))
    return pod_labels(entry)


#: Labels a controller sets on the pods it creates, by the kinds that set them, with the values it
#: gives (None: a value kgen cannot know, such as a hash, taken to be whatever the selector asks).
CONTROLLER_LABELS: dict[str, frozenset[str]] = {
    "statefulset.kubernetes.io/pod-name": frozenset({"StatefulSet"}),
    "apps.kubernetes.io/pod-index": frozenset({"StatefulSet"}),
    "controller-revision-hash": frozenset({"StatefulSet", "DaemonSet"}),
    "pod-template-hash": frozenset({"Deployment"}),
    "pod-template-generation": frozenset({"DaemonSet"}),
    "job-name": frozenset({"Job", "CronJob"}),
    "batch.kubernetes.io/job-name": frozenset({"Job", "CronJob"}),
    "controller-uid": frozenset({"Job", "CronJob"}),
    "batch.kubernetes.io/controller-uid": frozenset({"Job", "CronJob"}),
}


def _controller_value(entry: ObjectEntry, key: str, wanted: str) -> bool:
    """Whether a pod the object's controller creates can carry ``key=wanted``: a StatefulSet's pods are
    named <name>-<ordinal> from spec.ordinals.start for spec.replicas pods; a Job's carry its name; a
    CronJob's Jobs are named <name>-<time>; the hashes and uids take values kgen cannot know."""
    if entry.kind not in CONTROLLER_LABELS[key] or entry.group not in ("apps", "batch"):
        return False
    if key in ("statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index"):
        start = get_path(entry.data, ("spec", "ordinals", "start"))
        start = start if isinstance(start, int) and not isinstance(start, bool) else 0
        replicas = replicas_of(entry)
        count = replicas if replicas is not None else 1
        ordinal = wanted if key == "apps.kubernetes.io/pod-index" else wanted[len(entry.ref.name) + 1 :]
        named = key != "statefulset.kubernetes.io/pod-name" or wanted.startswith(entry.ref.name + "-")
        number = digits_value(ordinal) if named else None
        return number is not None and start <= number < start + count
    if key in ("job-name", "batch.kubernetes.io/job-name"):
        return wanted == entry.ref.name if entry.kind == "Job" else wanted.startswith(entry.ref.name + "-")
    return True


def _with_controller_labels(entry: ObjectEntry, selector: Any) -> Mapping[str, Any]:
    """The object's pod labels, with those its controller adds that the selector asks about."""
    labels = labels_of_pods(entry)
    if not isinstance(selector, Mapping):
        return labels
    wanted: list[tuple[str, list[str]]] = []
    match_labels = selector.get("matchLabels")
    for key, value in match_labels.items() if isinstance(match_labels, Mapping) else ():
        if key in CONTROLLER_LABELS:
            wanted.append((key, [str(value)]))
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        if isinstance(expression, Mapping) and isinstance(expression.get("key"), str) and expression["key"] in CONTROLLER_LABELS:
            values = expression.get("values")
            wanted.append((expression["key"], [str(v) for v in values] if isinstance(values, list) else []))
    if not wanted:
        return labels
    added = dict(labels)
    for key, values in wanted:
        if entry.kind not in CONTROLLER_LABELS[key]:
            continue
        fitting = [value for value in values if _controller_value(entry, key, value)]
        # a value the controller can give (or, for Exists / DoesNotExist / NotIn, some value it gives)
        added[key] = fitting[0] if fitting else ("" if not values else "\0")
    return added


def selector_is_empty(selector: Any) -> bool:
    """A LabelSelector with no matchLabels and no matchExpressions (``{}``)."""
    return isinstance(selector, Mapping) and not selector.get("matchLabels") and not selector.get("matchExpressions")


def policy_types(policy: ObjectEntry) -> frozenset[str]:
    """A NetworkPolicy's policyTypes as the API server defaults them: Ingress always, and Egress when
    the policy has egress rules, unless policyTypes is set."""
    spec = policy.data.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    given = spec.get("policyTypes")
    if isinstance(given, list) and given:
        return frozenset(str(t) for t in given)
    egress = spec.get("egress")
    return frozenset({"Ingress", "Egress"} if isinstance(egress, list) and egress else {"Ingress"})


def role_key(role: ObjectEntry) -> tuple[str, str, str]:
    """A Role is named within its namespace, a ClusterRole cluster-wide."""
    return (role.kind, role.namespace if role.kind == "Role" else "", role.ref.name)


def role_ref(binding: ObjectEntry) -> tuple[str, str, str] | None:
    """The role a binding grants, as the authorizer resolves roleRef: a Role only from a RoleBinding in
    the Role's own namespace, a ClusterRole from either binding kind; None when roleRef is not a valid one."""
    ref = binding.data.get("roleRef")
    if not isinstance(ref, Mapping) or ref.get("apiGroup") != RBAC_GROUP or not isinstance(ref.get("name"), str):
        return None
    kind = ref.get("kind")
    if kind == "ClusterRole":
        return ("ClusterRole", "", ref["name"])
    if kind == "Role" and binding.kind == "RoleBinding":
        return ("Role", binding.namespace, ref["name"])
    return None


def _empty_selects_all(pdb: ObjectEntry) -> bool:
    """An empty PDB selector selects every pod in policy/v1, none in policy/v1beta1."""
    return pdb.ref.api_version != "policy/v1beta1"


def pod_labels(workload: ObjectEntry) -> Mapping[str, Any]:
    """The labels its pods get (the pod template's), {} when it has no template."""
    path = workload.workload.labels_path if workload.workload is not None else None
    labels = get_path(workload.data, path) if path is not None else None
    return labels if isinstance(labels, Mapping) else {}


def selector_matches(selector: Any, labels: Mapping[str, Any], empty_matches_all: bool) -> bool:
    """A LabelSelector (matchLabels and matchExpressions) against a label set.

    A missing (null) selector matches nothing; an empty one matches
    everything where the API says so (policy/v1 PodDisruptionBudget).
    """
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not match_labels and not expressions:
        return empty_matches_all
    if not isinstance(match_labels, Mapping) or not isinstance(expressions, list):
        return False
    for key, value in match_labels.items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    return all(_expression_matches(e, labels) for e in expressions)


def _expression_matches(expression: Any, labels: Mapping[str, Any]) -> bool:
    if not isinstance(expression, Mapping):
        return False
    key = expression.get("key")
    operator = expression.get("operator")
    raw_values = expression.get("values") or []
    if not isinstance(key, str) or not isinstance(raw_values, list):
        return False  # malformed: schema-invalid reports it; it selects nothing
    values = [str(v) for v in raw_values]
    present = key in labels
    if operator == "In":
        return present and str(labels[key]) in values
    if operator == "NotIn":
        return not present or str(labels[key]) not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    return False


def replicas_of(workload: ObjectEntry) -> int | None:
    """The replica count (spec.replicas, or where its kind keeps it) with Kubernetes' default of 1;
    None when the kind has no replica count."""
    return replica_count(workload.data, workload.workload)


def min_replicas_of(hpa: ObjectEntry) -> int:
    value = get_path(hpa.data, ("spec", "minReplicas"))
    return value if isinstance(value, int) and not isinstance(value, bool) else 1
