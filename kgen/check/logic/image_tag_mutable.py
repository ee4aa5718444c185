"""image-tag-mutable: an image with no tag, or a moving tag such as latest."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.policy import Violation


def image_tag(image: str) -> tuple[str | None, bool]:
    """The tag of an image reference, and whether it is pinned by digest.

    ``registry:5000/app`` has no tag (the colon belongs to the registry);
    ``app@sha256:...`` is immutable whatever its tag.
    """
    name, at, digest = image.partition("@")
    if at and digest:
        return None, True
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1], False
    return None, False


def check(target: Any, ctx: Any, params: Mapping[str, Any]) -> Iterator[Violation]:
    image = target.data.get("image")
    if not isinstance(image, str) or not image.strip():
        return
    tag, pinned = image_tag(image.strip())
    if pinned:
        return
    mutable = set(params["mutableTags"])
    if tag is None:
        reason = "has no tag, so it means :latest"
    elif tag in mutable:
        reason = f"uses the moving tag :{tag}"
    else:
        return
    yield Violation(
        f'container "{target.container.name}" image {image} {reason}; what runs changes without '
        "any change to the manifest, and a rollback cannot restore the old version",
        ("image",),
    )
