"""cpu-requests-missing: no cpu request once Kubernetes has settled it (0 is none; a limit alone becomes the request)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.logic._resources import missing_request
from kgen.check.policy import Violation


def check(target: Any, ctx: Any, params: Mapping[str, Any]) -> Iterator[Violation]:
    yield from missing_request(target, "cpu")
