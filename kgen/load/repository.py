"""The root that report paths are relative to: the checked files' git work tree, else the current folder."""

from __future__ import annotations

import os


def repository_root(paths: tuple[str, ...], cwd: str) -> str:
    """The top folder of the git work tree holding the first checked path (``-`` and paths
    that do not exist: the current folder), or ``cwd`` when it is in none.

    A work tree is the nearest folder, going up, that holds ``.git`` (a folder, or the file
    a linked worktree or a submodule has), as ``git rev-parse --show-toplevel`` finds it;
    no git process is started. Paths stay as written (symbolic links are not resolved), so
    a relative path and the root agree on the same spelling of the folders.
    """
    start = cwd
    for path in paths:
        if path == "-":
            continue
        absolute = os.path.normpath(os.path.join(cwd, path))
        if os.path.isdir(absolute):
            start = absolute
        elif os.path.exists(absolute):
            start = os.path.dirname(absolute)
        break
    return work_tree(start) or cwd


def work_tree(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` that holds ``.git``; None outside any work tree."""
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
