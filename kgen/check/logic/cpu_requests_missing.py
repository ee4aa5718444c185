"""cpu-requests-missing: no cpu request once Kubernetes has settled it (0 is none; a limit alone becomes the request)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._resources import missing_request
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    yield from missing_request(target, "cpu")
