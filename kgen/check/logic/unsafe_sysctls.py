"""unsafe-sysctls: the Pod Security control(s) it reports, as admission evaluates them (kgen.check.pss)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._pss import violations


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    return violations("unsafe-sysctls", target, ctx)
