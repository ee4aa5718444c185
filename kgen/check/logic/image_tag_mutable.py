"""image-tag-mutable: an image with no tag, or a moving tag such as latest."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.model.k8s import parse_image


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    image = target.data.get("image")
    if not isinstance(image, str) or not image.strip():
        return
    ref = parse_image(image)
    if not ref.mutable(params["mutableTags"]):
        return
    reason = "has no tag, so it means :latest" if ref.tag is None else f"uses the moving tag :{ref.tag}"
    yield Violation(
        f'container "{target.container_name}" image {image} {reason}; what runs changes without '
        "any change to the manifest, and a rollback cannot restore the old version",
        ("image",),
    )
