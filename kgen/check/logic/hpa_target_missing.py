"""hpa-target-missing: the scale target is not among the checked objects."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.policy import Violation

CROSS_OBJECT = True
#: Where its findings point (positions are taken while the document is read).
PATHS = (("spec", "scaleTargetRef", "name"),)


def check(target: Any, ctx: Any, params: Mapping[str, Any]) -> Iterator[Violation]:
    spec = target.obj.get("spec")
    ref = spec.get("scaleTargetRef") if isinstance(spec, Mapping) else None
    if not isinstance(ref, Mapping):
        return
    namespace = target.entry.namespace
    if ctx.index.has(namespace, ref.get("apiVersion"), ref.get("kind"), ref.get("name")):
        return
    yield Violation(
        f"scale target {ref.get('kind')}/{ref.get('name')} is not among the checked objects "
        f"in namespace {namespace}",
        ("spec", "scaleTargetRef", "name"),
    )
