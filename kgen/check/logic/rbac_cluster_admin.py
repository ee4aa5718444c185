"""rbac-cluster-admin: a RoleBinding or ClusterRoleBinding whose roleRef is the ClusterRole cluster-admin."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.index import role_ref
from kgen.check.logic._rbac import SYSTEM_PREFIX, binding_name, subjects


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    binding = target.entry
    if role_ref(binding) != ("ClusterRole", "", "cluster-admin") or binding.ref.name.startswith(SYSTEM_PREFIX):
        return
    if binding.kind == "RoleBinding":
        scope = (
            f"in namespace {binding.namespace} only: every action on every resource there, its Roles, "
            "RoleBindings and Secrets included"
        )
    else:
        scope = "cluster-wide: every action on every resource in every namespace"
    yield Violation(f"{binding_name(binding)} grants cluster-admin {scope}, to {subjects(binding)}", ("roleRef", "name"))
