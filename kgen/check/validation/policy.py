"""PodDisruptionBudget: what policy/validation checks of minAvailable and maxUnavailable."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import refused, validates
from kgen.check.validation.formats import quoted as q
from kgen.load.yamlload import FieldPath
from kgen.model.numbers import percent

_PERCENT = re.compile(r"[0-9]+%\Z")
PERCENT_MSG = (
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', or '93%')"
)


@validates("PodDisruptionBudget")
def disruption_budget(target: Target, ctx: Context) -> Iterator[Violation]:
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping):
        return
    if "minAvailable" in spec and "maxUnavailable" in spec:
        yield refused(("spec", "maxUnavailable"), "minAvailable and maxUnavailable cannot be both set")
    for name in ("minAvailable", "maxUnavailable"):
        if name in spec:
            yield from int_or_percent(spec[name], ("spec", name))


def int_or_percent(value: Any, at: FieldPath) -> Iterator[Violation]:
    """A non-negative integer or a percentage of at most 100% (apps/validation's ValidatePositiveIntOrPercent)."""
    if isinstance(value, bool):
        return  # not an int-or-string: schema-invalid says so
    if isinstance(value, int):
        if value < 0:
            yield refused(at, f"{value} must be greater than or equal to 0")
    elif isinstance(value, str):
        if not _PERCENT.match(value):
            yield refused(at, f"{q(value)}: {PERCENT_MSG}")
        elif (percent(value) or 0) > 100:
            yield refused(at, f"{q(value)} must not be greater than 100%")
