"""The profile's ``build: {dockerfile: path}``: the image the pods run, held against the profile.

What refuses the render (the pods could never start, or would never be ready):
- ``runAsNonRoot: true`` with ``runAsUser: image`` over an image whose USER is root (or no USER),
  or a name: the kubelet refuses both (``container has runAsNonRoot and image will run as root``,
  ``... image has non-numeric user``);
- a Dockerfile that EXPOSEs ports, none of them a port of the app: probes and the Service reach a
  port the app does not listen on.

What is fine: a numeric runAsUser (kgen's default 65532, or one the profile names) over any
USER: the kubelet runs the pods as that id, and the image must work as it (files readable,
nothing written outside the writable paths). Without ``runAsUser`` in the profile, a numeric
non-root USER is what the pods run as (its group too when USER names a numeric one), so the
rendered manifest says what the image says. A port the image does not EXPOSE, next to one it
does, is left to ``kgen check`` (image-port-mismatch): EXPOSE documents, it does not open.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator, Mapping

from kgen.errors import LoadError
from kgen.load.dockerfile import MAX_BYTES, parse
from kgen.load.files import NotRegular, TooBig, read_regular
from kgen.load.repository import work_tree
from kgen.model.dockerimage import ImageFacts, image_facts
from kgen.render.profile import DEFAULT_USER, Profile
from kgen.render.schema import Issue

FIELD = ("build", "dockerfile")


class BuildUnreadable(Exception):
    """The Dockerfile named by ``build.dockerfile`` cannot be read (the message says why)."""


def dockerfile_path(data: Mapping[str, Any], profile_source: str) -> Path | None:
    """The Dockerfile ``build.dockerfile`` names, relative to the profile's folder; None without one."""
    build = data.get("build")
    if not isinstance(build, Mapping) or not isinstance(build.get("dockerfile"), str):
        return None
    return _folder_of(profile_source) / str(build["dockerfile"])


def _folder_of(profile_source: str) -> Path:
    return Path(profile_source).parent if not profile_source.startswith("<") else Path(".")


def read_facts(path: Path, profile_source: str = "<stdin>") -> ImageFacts:
    """The facts of the Dockerfile at ``path``; BuildUnreadable with the reason.

    A profile is untrusted input: the Dockerfile it names is read only when it is (links
    resolved) inside the git work tree that holds the profile (standard input: the working
    folder's): ``/etc/passwd``, ``../../..`` or a committed link out of the repository is refused unread,
    so no outside file's USER line is ever quoted. Outside any work tree it is read as named."""
    outside = _outside_the_tree(path, _folder_of(profile_source))
    if outside is not None:
        raise BuildUnreadable(f"{path} {outside}; kgen reads only the repository's own Dockerfiles") from None
    try:
        raw = read_regular(path, MAX_BYTES)
    except TooBig:
        raise BuildUnreadable(f"{path}: larger than {MAX_BYTES} bytes; not a Dockerfile kgen reads") from None
    except NotRegular as exc:
        if exc.kind == "a directory":
            raise BuildUnreadable(f"{path} is a folder; name the Dockerfile in it") from None
        raise BuildUnreadable(f"{path} {exc}") from None
    except FileNotFoundError:
        raise BuildUnreadable(f"{path}: no such file (the path is relative to the profile's folder)") from None
    except IsADirectoryError:
        raise BuildUnreadable(f"{path} is a folder; name the Dockerfile in it") from None
    except OSError as exc:
        raise BuildUnreadable(f"{path}: cannot read: {exc.strerror}") from None
    try:
        facts = image_facts(parse(raw.decode("utf-8", errors="replace"), str(path)))
    except LoadError as exc:
        raise BuildUnreadable(f"{exc.location}: {exc.message}") from None
    if facts is None:
        raise BuildUnreadable(f"{path} has no FROM: not a Dockerfile that builds an image")
    return facts


def _outside_the_tree(path: Path, profile_folder: Path) -> str | None:
    """Why ``path`` is not read (it leads outside the repository), or None."""
    try:
        target = os.path.realpath(path, strict=True)
    except OSError:
        return None  # does not exist, or a loop: read_regular says which
    tree = work_tree(os.path.realpath(profile_folder))
    if tree is None:
        return None  # a profile in no git work tree has no repository to keep to (as for .kgen.yaml)
    if target == tree or target.startswith(tree.rstrip(os.sep) + os.sep):
        return None
    return f"leads outside {tree} (to {target})" if os.path.islink(path) else f"is outside {tree}"


def build_issues(data: Mapping[str, Any], profile: Profile, facts: ImageFacts) -> Iterator[Issue]:
    """Why the pods would not start (or never be ready) with this image."""
    security = profile.security
    refusal = facts.user.refusal()
    if security.run_as_non_root and security.run_as_user is None and refusal:
        yield Issue(
            ("security", "runAsUser"),
            f"is image, but {facts.user.describe(facts.dockerfile)}: the kubelet would refuse to start "
            f"the pods ({refusal}); set a numeric non-zero USER in the Dockerfile, or leave runAsUser "
            f"out (the pods then run as {DEFAULT_USER})",
        )
    ports = profile.ports
    if ports and facts.exposed and not any(facts.exposes(port.number, port.protocol) for port in ports):
        first = facts.exposed[0].instruction
        where = facts.dockerfile.location(first)
        names = ", ".join(f"{port.number}/{port.protocol.lower()}" for port in ports)
        if "port" in data:
            path: tuple[str, ...] = ("port",)
            head = f"is {profile.ports[0].number}, but {where} EXPOSEs"
        else:
            path, head = FIELD, f"{where} EXPOSEs"
            names += f"; port is not set and defaults to {ports[0].number}" if profile.port else ""
        yield Issue(
            path,
            f"{head} {facts.exposed_text()} and no port of the app ({names}): "
            "the probes and the Service would reach a port the app does not listen on; "
            "set port to the one the app listens on, or EXPOSE it in the Dockerfile",
        )
