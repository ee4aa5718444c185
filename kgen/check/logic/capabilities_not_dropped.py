"""capabilities-not-dropped: securityContext.capabilities.drop without ALL, as Pod Security admission reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation

#: Pod Security admission (restricted) compares capability names exactly.
ALL = "ALL"


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    name = target.container_name
    context = target.data.get("securityContext")
    if context is None:
        yield _not_dropped(name, ("securityContext",))
        return
    if not isinstance(context, Mapping):
        return  # not an object: schema-invalid says so
    if context.get("privileged") is True:
        return  # a privileged container has every capability whatever it drops: privileged-container says so
    capabilities = context.get("capabilities")
    if capabilities is None:
        yield _not_dropped(name, ("securityContext", "capabilities"))
        return
    if not isinstance(capabilities, Mapping):
        return
    drop = capabilities.get("drop")
    path = ("securityContext", "capabilities", "drop")
    if drop is None:
        yield _not_dropped(name, path)
        return
    if not isinstance(drop, list) or ALL in drop:
        return
    for index, value in enumerate(drop):
        if isinstance(value, str) and value.upper() == ALL:
            yield Violation(
                f'container "{name}" drops {value!r}, but Pod Security admission (restricted) accepts only '
                f'the exact spelling "ALL"; write ALL',
                (*path, index),
            )
            return
    yield _not_dropped(name, path)


def _not_dropped(name: str, path: tuple[str, ...]) -> Violation:
    return Violation(f'container "{name}" does not drop ALL capabilities (securityContext.capabilities.drop)', path)
