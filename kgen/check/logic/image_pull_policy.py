"""image-pull-policy: a mutable image whose pull policy lets each node keep the image it pulled first.

The API server defaults an unset imagePullPolicy to Always when the image's
tag is latest or there is no tag and no digest, and to IfNotPresent
otherwise (so a moving tag other than latest, such as stable, defaults to
IfNotPresent).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.model.k8s import ImageRef, parse_image


def default_pull_policy(ref: ImageRef) -> str:
    """What the API server sets when imagePullPolicy is unset."""
    tag = ref.tag if ref.tag is not None or ref.digest is not None else "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    container = target.data
    image = container.get("image")
    if not isinstance(image, str) or not image.strip():
        return
    ref = parse_image(image)
    if not ref.mutable(params["mutableTags"]):
        return
    written = container.get("imagePullPolicy")
    explicit = isinstance(written, str)
    policy = written if isinstance(written, str) else default_pull_policy(ref)
    if policy not in ("IfNotPresent", "Never"):
        return
    tag = "no tag (latest)" if ref.tag is None else f"the moving tag :{ref.tag}"
    how = f"imagePullPolicy {policy}" if explicit else f"imagePullPolicy unset, which defaults to {policy} for this tag"
    effect = (
        "each node runs whatever image it already holds under that name"
        if policy == "Never"
        else "a node that already holds the image never pulls it again"
    )
    yield Violation(
        f'container "{target.container_name}" image {image} has {tag} and {how}: {effect}, so nodes run '
        "different images under one manifest",
        ("imagePullPolicy",) if explicit else ("image",),
    )
