"""image-registry-untrusted: an image from a registry (or registry path) the config does not allow."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._images import allowed_by, image_name


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    image = target.data.get("image")
    if not isinstance(image, str) or not image.strip():
        return
    allowed: list[str] = params["allowed"]
    name = image_name(image)
    if any(allowed_by(name, entry) for entry in allowed):
        return
    resolved = "" if image.strip().startswith(name.full) else f" (as {name.full})"
    if not allowed:
        why = (
            "; no registry is allowed yet: list the registries the cluster may pull from in "
            ".kgen.yaml rules.image-registry-untrusted.params.allowed"
        )
    else:
        why = f", which is not among the allowed registries ({', '.join(allowed)})"
    yield Violation(
        f'container "{target.container_name}" image {image} is pulled from {name.registry}{resolved}{why}',
        ("image",),
    )
