"""env-duplicate: an env name set again in the same container's env, as the API server warns of it.

The kubelet builds the environment from envFrom first, then env in order,
each entry replacing an earlier one of the same name, so the last one
wins. An entry whose value builds on the earlier one (``PATH`` set to
``$(PATH):/opt/bin``) is meant that way: the API server does not warn
about it, and neither does this rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    env = target.data.get("env")
    if not isinstance(env, list) or len(env) < 2:
        return
    names = [var.get("name") if isinstance(var, Mapping) else None for var in env]
    last: dict[str, int] = {name: index for index, name in enumerate(names) if isinstance(name, str)}
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not isinstance(name, str):
            continue
        if name not in seen:
            seen[name] = index
            continue
        if _extends(env[index], name):
            continue
        winner = "this entry wins" if last[name] == index else f"env[{last[name]}], later still, wins"
        yield Violation(
            f'container "{target.container_name}" sets env {name} again at env[{index}] (first at '
            f"env[{seen[name]}]); the kubelet applies env in order, so {winner}",
            ("env", index, "name"),
        )


def _extends(var: Mapping[str, Any], name: str) -> bool:
    """A value that uses the earlier one (``$(NAME)`` inside more text), as the API server exempts it."""
    value = var.get("value")
    reference = f"$({name})"
    return "valueFrom" not in var and isinstance(value, str) and value != reference and reference in value
