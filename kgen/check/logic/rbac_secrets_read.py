"""rbac-secrets-read: get, list or watch on secrets in the core group (``*`` verbs, groups or resources included)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._rbac import grants, role_name, rules_of, words

READ_VERBS = ("get", "list", "watch")


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    role = target.entry
    for rule in rules_of(role):
        verbs = [verb for verb in READ_VERBS if rule.allows(verb, "", "secrets")]
        if not verbs:
            continue
        where = grants(role, ctx)
        if rule.names:
            names = ", ".join(rule.names)
            yield Violation(
                f"{role_name(role)}: rules[{rule.index}] allows {words(verbs)} on the secrets named {names} only "
                f"(resourceNames); {where}",
                rule.path,
                "info",
            )
            continue
        if "list" in verbs or "watch" in verbs:
            why = "list and watch return every secret's data, not only names"
        else:
            why = "get reads the data of any secret whose name it knows"
        yield Violation(f"{role_name(role)}: rules[{rule.index}] allows {words(verbs)} on every secret: {why}; {where}", rule.path)
