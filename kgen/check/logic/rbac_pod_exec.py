"""rbac-pod-exec: a rule that lets its holders run commands in, or attach to, running containers.

Which verb the API server authorizes for pods/exec and pods/attach depends on
the version (KEP-4006): an exec over SPDY is a POST, authorized as create; one
over WebSocket is a GET, authorized as get only before Kubernetes 1.35 and as
get and create from 1.35 on (the AuthorizePodWebsocketUpgradeCreatePermission
feature, on by default). So create always grants exec, and get alone grants it
only before 1.35.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._rbac import grants, role_name, rules_of, words
from kgen.model.kubeschema import release

SUBRESOURCES = ("pods/exec", "pods/attach")
CREATE_REQUIRED_FROM = (1, 35)




def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    role = target.entry
    get_is_enough = release(ctx.kubernetes_version) < CREATE_REQUIRED_FROM
    for rule in rules_of(role):
        reached: list[str] = []
        for resource in SUBRESOURCES:
            if rule.allows("create", "", resource):
                reached.append(f"create on {resource}")
            elif get_is_enough and rule.allows("get", "", resource):
                reached.append(f"get on {resource} (enough for a WebSocket connection before Kubernetes 1.35)")
        if not reached:
            continue
        names = f" named {', '.join(rule.names)}" if rule.names else ""
        yield Violation(
            f"{role_name(role)}: rules[{rule.index}] allows {words(reached)}: a shell in the pods{names}, with their "
            f"service account's token and their mounted secrets; {grants(role, ctx)}",
            rule.path,
        )
