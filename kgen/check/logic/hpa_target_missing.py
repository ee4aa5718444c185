"""hpa-target-missing: the scale target is not among the checked objects."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.index import scale_target
from kgen.check.api import Context, Target, Violation


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    key = scale_target(target.entry)
    if key is None:
        return  # no reference, or kind/name not strings: schema-invalid says so
    if ctx.index.has(key):
        return
    namespace, group, kind, name = key
    ref = target.obj["spec"]["scaleTargetRef"]
    if "apiVersion" not in ref:
        yield Violation(
            f"scaleTargetRef has no apiVersion, so the autoscaler looks for {kind}/{name} in the core "
            "API group and finds nothing to scale; set apiVersion (for example apps/v1)",
            ("spec", "scaleTargetRef"),
        )
        return
    yield Violation(
        f"scale target {kind}/{name} (API group {group or 'core'}) is not among the checked objects "
        f"in namespace {namespace}",
        ("spec", "scaleTargetRef", "name"),
    )
