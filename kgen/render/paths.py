"""Folder paths a profile names (``writablePaths``, ``dataPath``), as kgen mounts them."""

from __future__ import annotations

import posixpath
import re


def folder_path(path: str) -> str:
    """A mount path as kgen writes it: repeated and trailing slashes dropped (``//a/`` is ``/a``)."""
    cleaned = re.sub(r"/+", "/", path).rstrip("/")
    return cleaned or "/"


def backsteps(path: str) -> str | None:
    """Why a path with ``.`` or ``..`` parts is refused: the container runtime resolves them inside
    the image, through its symbolic links, so ``/.`` is the root filesystem itself and ``/a/../b``
    is ``/b`` only when ``/a`` is a plain folder."""
    parts = [part for part in path.split("/") if part]
    if not any(part in (".", "..") for part in parts):
        return None
    meant = posixpath.normpath("/" + "/".join(parts))
    if meant == "/":
        return f"{path!r} is the root filesystem itself and would hide the whole image; list the folders the app writes to"
    return (
        f"{path!r} has '.' or '..' parts, which the container runtime resolves inside the image "
        f"(through its symbolic links); write the folder itself, like {meant!r}"
    )
