"""The Dockerfile that builds a container's image (``.kgen.yaml`` images:), read once per file
version: parsed when first asked for, again only when the file changes (its mtime and size)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kgen.check.api import Context, Target
from kgen.check.logic._images import image_name
from kgen.errors import LoadError
from kgen.load.files import read_regular

if TYPE_CHECKING:
    from kgen.model.dockerimage import ImageFacts


@dataclass(frozen=True)
class BuiltImage:
    repository: str  # as the container names it, without tag or digest
    facts: ImageFacts


def built_image(target: Target, ctx: Context) -> BuiltImage | None:
    """The facts of the Dockerfile mapped to the container's image; None when none is mapped
    (or it does not parse: dockerfile-invalid reports that where the Dockerfile is checked)."""
    image = target.data.get("image") if isinstance(target.data, Mapping) else None
    if not isinstance(image, str) or not ctx.images:
        return None
    path = _mapping(tuple(ctx.images.items())).get(image_name(image).full)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    facts = _read(path, stat.st_mtime_ns, stat.st_size)
    return BuiltImage(image.partition("@")[0], facts) if facts is not None else None


@lru_cache(maxsize=16)
def _mapping(images: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {image_name(repository).full: path for repository, path in images}


@lru_cache(maxsize=256)
def _read(path: str, mtime_ns: int, size: int) -> ImageFacts | None:
    from kgen.load.dockerfile import MAX_BYTES, parse  # only a run that maps images to Dockerfiles parses one
    from kgen.model.dockerimage import image_facts

    try:
        raw = read_regular(path, MAX_BYTES)  # a FIFO or device is refused (OSError), never read
        return image_facts(parse(raw.decode("utf-8", errors="replace"), path))
    except (OSError, LoadError):
        return None


def effective(container: Mapping[str, Any], pod: Mapping[str, Any] | None, name: str) -> tuple[Any, str | None]:
    """A securityContext field as the kubelet resolves it (the container's over the pod's), and
    where it is set: ``container``, ``pod`` or None."""
    own = container.get("securityContext")
    if isinstance(own, Mapping) and own.get(name) is not None:
        return own[name], "container"
    shared = (pod or {}).get("securityContext")
    if isinstance(shared, Mapping) and shared.get(name) is not None:
        return shared[name], "pod"
    return None, None


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def where(built: BuiltImage) -> str:
    """``services/api/Dockerfile`` for messages."""
    return built.facts.dockerfile.source
