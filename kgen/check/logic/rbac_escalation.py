"""rbac-escalation: a rule whose holders can give themselves more than it grants.

escalate on roles or clusterroles (write a role with permissions one does not
hold), bind on them (bind any role to anyone), impersonate on users, groups or
serviceaccounts (act as another identity), create on serviceaccounts/token
(mint any service account's token), or create on a workload kind (its pods may
run as any service account of the namespace and mount any of its secrets).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._rbac import Rule, grants, role_name, rules_of, words

RBAC = "rbac.authorization.k8s.io"
#: (verb, API group, resource, what holding it means)
PRIVILEGES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("escalate", RBAC, ("roles", "clusterroles"), "it may write roles with permissions it does not hold"),
    ("bind", RBAC, ("roles", "clusterroles"), "it may bind any role, cluster-admin included, to anyone"),
    ("impersonate", "", ("users", "groups", "serviceaccounts"), "it may act as any of them"),
    ("create", "", ("serviceaccounts/token",), "it may mint a token for any service account in reach"),
    ("create", "", ("pods", "replicationcontrollers"), ""),
    ("create", "apps", ("deployments", "replicasets", "statefulsets", "daemonsets"), ""),
    ("create", "batch", ("jobs", "cronjobs"), ""),
)
_WORKLOADS = "the pods it creates may run as any service account of their namespace and mount any of its secrets"


def _found(rule: Rule) -> list[str]:
    found: list[str] = []
    workloads: list[str] = []
    for verb, group, resources, meaning in PRIVILEGES:
        hit = [resource for resource in resources if rule.allows(verb, group, resource)]
        if not hit:
            continue
        if meaning:
            found.append(f"{verb} on {words(hit)} ({meaning})")
        else:
            workloads.extend(hit)
    if workloads:
        found.append(f"create on {words(workloads)} ({_WORKLOADS})")
    return found


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    role = target.entry
    for rule in rules_of(role):
        found = _found(rule)
        if found:
            yield Violation(f"{role_name(role)}: rules[{rule.index}] allows {'; '.join(found)}; {grants(role, ctx)}", rule.path)
