"""Image references as the container runtime resolves them (the Docker reference grammar).

``nginx`` is ``docker.io/library/nginx``; ``bitnami/redis`` is
``docker.io/bitnami/redis``; a first component with a ``.`` or a ``:``, or
``localhost``, is a registry host (``registry.example.com/shop/web``,
``registry:5000/web``, ``localhost/web``). So is a first component with an
upper-case letter, which a repository path may not contain. ``index.docker.io``
is docker.io.
"""

from __future__ import annotations

from dataclasses import dataclass

DOCKER_HUB = "docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io"})


@dataclass(frozen=True)
class ImageName:
    registry: str  # the host, with its port: docker.io, registry.example.com:5000
    repository: str  # the path in the registry: library/nginx, shop/web

    @property
    def full(self) -> str:
        return f"{self.registry}/{self.repository}"


def image_name(image: str) -> ImageName:
    """The registry and repository of an image reference (its tag and digest dropped)."""
    name = image.strip().partition("@")[0]
    head, slash, rest = name.partition("/")
    if slash and ("." in head or ":" in head or head == "localhost" or head != head.lower()):
        registry, path = head, rest
    else:
        registry, path = DOCKER_HUB, name
    if registry.lower() in _HUB_ALIASES:
        registry = DOCKER_HUB
    last = path.rsplit("/", 1)
    if ":" in last[-1]:
        path = path[: len(path) - len(last[-1])] + last[-1].partition(":")[0]
    if registry == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    return ImageName(registry, path)


def allowed_by(name: ImageName, entry: str) -> bool:
    """An allowed entry is a registry host (``registry.example.com``, ``registry:5000``) or a
    host/path prefix that ends at a path boundary (``registry.example.com/shop`` allows
    ``registry.example.com/shop/web``, not ``registry.example.com/shopping``). Hosts are
    compared without case; ``docker.io`` also stands for index.docker.io."""
    host, _, prefix = entry.strip().strip("/").partition("/")
    host = DOCKER_HUB if host.lower() in _HUB_ALIASES else host.lower()
    if host != name.registry.lower():
        return False
    return not prefix or name.repository == prefix or name.repository.startswith(prefix + "/")
