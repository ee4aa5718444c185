"""image-user-mismatch: the container's user settings held against the USER of the Dockerfile
that builds its image (the kubelet's runAsNonRoot check, done before the pod is applied)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._image_build import built_image, effective, is_int
from kgen.model.k8s import get_path


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    built = built_image(target, ctx)
    if built is None or get_path(target.pod_spec or {}, ("os", "name")) == "windows":
        return
    container, pod = target.data, target.pod_spec
    user, user_at = effective(container, pod, "runAsUser")
    non_root, non_root_at = effective(container, pod, "runAsNonRoot")
    image_user = built.facts.user
    said = image_user.describe(built.facts.dockerfile)
    name = target.container_name
    if non_root is True and not is_int(user):
        refusal = image_user.refusal()
        if refusal:
            yield Violation(
                f'container "{name}" has runAsNonRoot: true and no runAsUser, but {said}: the kubelet refuses '
                f"to start it ({refusal})",
                ("securityContext", "runAsNonRoot") if non_root_at == "container" else ("image",),
            )
        return
    if (
        is_int(user)
        and user != 0
        and image_user.kind == "numeric"
        and image_user.instruction is not None
        and image_user.uid != user
    ):
        yield Violation(
            f'container "{name}" runs as runAsUser {user}, but {said}: files the image prepared for user '
            f"{image_user.uid} may be unreadable or unwritable for {user}",
            ("securityContext", "runAsUser") if user_at == "container" else ("image",),
            severity="warning",
        )
