"""rbac-wildcard: ``*`` in the verbs, API groups or resources of a Role or ClusterRole rule, or in its nonResourceURLs."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._rbac import ALL, grants, role_name, rules_of, words

_MEANS = {
    "verbs": "every verb, including ones added later (escalate, bind, impersonate)",
    "apiGroups": "every API group, custom resources included",
    "resources": "every resource and subresource of its API groups",
}


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    role = target.entry
    for rule in rules_of(role):
        fields = [name for name, values in (("verbs", rule.verbs), ("apiGroups", rule.api_groups), ("resources", rule.resources)) if ALL in values]
        meaning = [_MEANS[name] for name in fields]
        if "resources" in fields and (ALL in rule.api_groups or "" in rule.api_groups):
            meaning[-1] += " (secrets and pods/exec among them)"
        if any(url in (ALL, "/*") for url in rule.urls):
            fields.append("nonResourceURLs")
            meaning.append("every non-resource URL")
        if not fields:
            continue
        yield Violation(
            f'{role_name(role)}: rules[{rule.index}] has "*" in {words(fields)}: {"; ".join(meaning)}; '
            f"{grants(role, ctx)}",
            rule.path,
        )
