"""RBAC as the API server's authorizer reads it: rules, what they match, and who is bound to a role.

Matching follows the RBAC authorizer: a rule allows a request when its verbs,
API groups and resources each contain the requested value or ``*``
(``apiGroups: [""]`` is the core group); a resource ``*/exec`` matches the
``exec`` subresource of every resource; a non-empty ``resourceNames`` limits
the rule to objects of those names. Strings match exactly (case counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from kgen.check.api import Context, ObjectEntry
from kgen.check.index import selector_matches

ALL = "*"
#: Roles and bindings Kubernetes ships and reconciles itself (the bootstrap policy) carry this prefix.
SYSTEM_PREFIX = "system:"
#: The built-in ClusterRoles a label aggregates a ClusterRole into (edit is aggregated into admin, view into edit).
_AGGREGATE_LABELS = {
    "rbac.authorization.k8s.io/aggregate-to-admin": ("admin",),
    "rbac.authorization.k8s.io/aggregate-to-edit": ("edit", "admin"),
    "rbac.authorization.k8s.io/aggregate-to-view": ("view", "edit", "admin"),
}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Rule:
    """One PolicyRule of a Role or ClusterRole."""

    index: int
    verbs: tuple[str, ...]
    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    names: tuple[str, ...]  # resourceNames; empty: every object
    urls: tuple[str, ...]  # nonResourceURLs

    @property
    def path(self) -> tuple[str | int, ...]:
        return ("rules", self.index)

    def verb(self, verb: str) -> bool:
        return ALL in self.verbs or verb in self.verbs

    def resource(self, group: str, resource: str) -> bool:
        """Whether the rule covers ``resource`` (``pods`` or ``pods/exec``) of an API group."""
        if ALL not in self.api_groups and group not in self.api_groups:
            return False
        _, slash, sub = resource.partition("/")
        for granted in self.resources:
            if granted == ALL or granted == resource:
                return True
            if slash and granted == f"*/{sub}":
                return True
        return False

    def allows(self, verb: str, group: str, resource: str) -> bool:
        return self.verb(verb) and self.resource(group, resource)


def rules_of(role: ObjectEntry) -> list[Rule]:
    """The rules of a Role or ClusterRole that grant anything.

    A ClusterRole with an aggregationRule has its rules written by the
    aggregation controller (the union of the ClusterRoles its selectors
    match), whatever the manifest says: those rules are judged on the
    ClusterRoles they come from, so none are returned here. Kubernetes' own
    roles (``system:`` names) are not judged either.
    """
    if role.ref.name.startswith(SYSTEM_PREFIX) or isinstance(role.data.get("aggregationRule"), Mapping):
        return []
    rules = role.data.get("rules")
    if not isinstance(rules, list):
        return []
    return [
        Rule(
            index,
            _strings(rule.get("verbs")),
            _strings(rule.get("apiGroups")),
            _strings(rule.get("resources")),
            _strings(rule.get("resourceNames")),
            _strings(rule.get("nonResourceURLs")),
        )
        for index, rule in enumerate(rules)
        if isinstance(rule, Mapping)
    ]


def role_name(role: ObjectEntry) -> str:
    return f"Role {role.namespace}/{role.ref.name}" if role.kind == "Role" else f"ClusterRole {role.ref.name}"


def subjects(binding: ObjectEntry) -> str:
    """``ServiceAccount shop/web, Group ops``: a ServiceAccount subject without a namespace is in the binding's."""
    found = binding.data.get("subjects")
    out: list[str] = []
    for subject in found if isinstance(found, list) else ():
        if not isinstance(subject, Mapping) or not isinstance(subject.get("name"), str):
            continue
        kind = subject.get("kind")
        if kind == "ServiceAccount":
            namespace = subject.get("namespace") or binding.namespace
            out.append(f"ServiceAccount {namespace}/{subject['name']}")
        else:
            out.append(f"{kind} {subject['name']}")
    return ", ".join(out) or "no subjects"


def binding_name(binding: ObjectEntry) -> str:
    if binding.kind == "RoleBinding":
        return f"RoleBinding {binding.namespace}/{binding.ref.name}"
    return f"ClusterRoleBinding {binding.ref.name}"


def grants(role: ObjectEntry, ctx: Context) -> str:
    """Who holds the role, from the bindings among the checked objects, and where.

    A RoleBinding that names a ClusterRole grants it in the binding's
    namespace only. A ClusterRole also reaches the subjects of every
    checked ClusterRole that aggregates it (its labels match that role's
    clusterRoleSelectors), and of the built-in admin, edit or view roles its
    aggregate-to labels put it into.
    """
    parts = [_grant(binding, "") for binding in ctx.index.bindings_of(role)]
    if role.kind == "ClusterRole":
        labels = _labels(role)
        for aggregate in ctx.index.aggregating_roles:
            if aggregate is role or not _aggregates(aggregate, labels):
                continue
            via = f" (through ClusterRole {aggregate.ref.name}, which aggregates it)"
            parts.extend(_grant(binding, via) for binding in ctx.index.bindings_of(aggregate))
            if not any(True for _ in ctx.index.bindings_of(aggregate)):
                parts.append(f"aggregated into ClusterRole {aggregate.ref.name}, which no checked binding grants")
        built_in = sorted({name for label, names in _AGGREGATE_LABELS.items() if labels.get(label) == "true" for name in names})
        if built_in:
            roles = f"ClusterRoles {words(built_in)}" if len(built_in) > 1 else f"ClusterRole {built_in[0]}"
            parts.append(f"aggregated into the built-in {roles} (granted to whoever holds them)")
    if not parts:
        return "no checked binding grants it"
    return "; ".join(dict.fromkeys(parts))  # the same binding may be in several checked files


def _grant(binding: ObjectEntry, via: str) -> str:
    if binding.kind == "RoleBinding":
        where = f" in namespace {binding.namespace}" + (" only" if _ref_kind(binding) == "ClusterRole" else "")
    else:
        where = " cluster-wide"
    return f"granted{where} by {binding_name(binding)} to {subjects(binding)}{via}"


def _ref_kind(binding: ObjectEntry) -> Any:
    ref = binding.data.get("roleRef")
    return ref.get("kind") if isinstance(ref, Mapping) else None


def _labels(entry: ObjectEntry) -> Mapping[str, Any]:
    metadata = entry.data.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    return labels if isinstance(labels, Mapping) else {}


def _aggregates(aggregate: ObjectEntry, labels: Mapping[str, Any]) -> bool:
    rule = aggregate.data.get("aggregationRule")
    selectors = rule.get("clusterRoleSelectors") if isinstance(rule, Mapping) else None
    return any(selector_matches(s, labels, empty_matches_all=True) for s in (selectors if isinstance(selectors, list) else ()) if isinstance(s, Mapping))


def words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

