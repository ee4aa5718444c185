"""image-port-mismatch: the container's ports held against the Dockerfile that builds its image:
a port the image does not EXPOSE, and a port below 1024 for the image's own non-root USER."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._image_build import BuiltImage, built_image, effective, is_int
from kgen.check.logic.privileged_port import PORT_START, _can_bind, _port_start
from kgen.model.k8s import get_path


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    built = built_image(target, ctx)
    ports = target.data.get("ports")
    if built is None or not isinstance(ports, list):
        return
    facts, name = built.facts, target.container_name
    source = facts.dockerfile.source
    pod = target.pod_spec or {}
    image_user = _image_non_root_user(target, built)
    for index, port in enumerate(ports):
        if not isinstance(port, Mapping) or not is_int(port.get("containerPort")):
            continue
        number, protocol = port["containerPort"], str(port.get("protocol") or "TCP").upper()
        at = ("ports", index, "containerPort")
        if not facts.exposes(number, protocol):
            if facts.exposed:
                yield Violation(
                    f'container "{name}" declares containerPort {number}/{protocol.lower()}, but {source} EXPOSEs '
                    f"{facts.exposed_text()}: the app may listen on another port than probes and Services reach",
                    at,
                )
            else:
                yield Violation(
                    f'container "{name}" declares containerPort {number}/{protocol.lower()}, and {source} EXPOSEs '
                    "no port: the image does not say which port its app listens on",
                    at,
                    severity="info",
                )
        if image_user is None or not 0 < number < 1024 or _can_bind(target.data):
            continue
        if get_path(pod, ("os", "name")) == "windows" or pod.get("hostNetwork") is True:
            continue
        start = _port_start(pod)
        if start is not None and number >= start:
            continue
        yield Violation(
            f'container "{name}" sets no user, so it runs as the image\'s {image_user}, without NET_BIND_SERVICE, '
            f"and declares containerPort {number}, below 1024: the bind works only where {PORT_START} is "
            "lowered for the pod (containerd 2.0 and later do it by default, containerd 1.x and CRI-O do not)",
            at,
        )


def _image_non_root_user(target: Target, built: BuiltImage) -> str | None:
    """``USER 10001 (services/api/Dockerfile:9:1)`` when the manifest sets no user and the image's is
    not root; None otherwise (privileged-port judges a user the manifest sets)."""
    for field_name in ("runAsUser", "runAsNonRoot"):
        if effective(target.data, target.pod_spec, field_name)[1] is not None:
            return None
    user = built.facts.user
    if user.kind == "numeric" or (user.kind == "name" and user.text is not None and user.text.partition(":")[0] != "root"):
        where = f" at {built.facts.dockerfile.location(user.instruction)}" if user.instruction is not None else ""
        return f"USER {user.text}{where}"
    return None
