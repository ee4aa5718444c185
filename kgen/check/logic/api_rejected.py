"""api-rejected: what the API server's validation refuses beyond the schema (see kgen.check.validation)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check import validation
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    yield from validation.validate(target, ctx)
