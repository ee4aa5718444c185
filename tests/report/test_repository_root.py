"""The folder report paths are relative to: the checked path's git work tree, else the current folder."""

from __future__ import annotations

from pathlib import Path

from kgen.load.repository import repository_root


def tree(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "deploy" / "k8s").mkdir(parents=True)
    (repo / "deploy" / "k8s" / "app.yaml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "loose").mkdir()
    return repo


def test_the_work_tree_of_the_first_checked_path(tmp_path: Path) -> None:
    repo = tree(tmp_path)
    cwd = str(repo / "deploy")
    assert repository_root(("k8s",), cwd) == str(repo)
    assert repository_root(("k8s/app.yaml",), cwd) == str(repo)
    assert repository_root((str(repo / "deploy" / "k8s" / "app.yaml"),), str(tmp_path / "loose")) == str(repo)
    assert repository_root(("-", "k8s"), cwd) == str(repo)  # standard input names no folder


def test_a_worktree_or_submodule_has_a_git_file(tmp_path: Path) -> None:
    repo = tree(tmp_path)
    sub = repo / "vendor" / "charts"
    sub.mkdir(parents=True)
    (sub / ".git").write_text("gitdir: ../../.git/modules/charts\n", encoding="utf-8")
    assert repository_root(("vendor/charts",), str(repo)) == str(sub)


def test_outside_any_work_tree_or_from_standard_input_the_current_folder(tmp_path: Path) -> None:
    repo = tree(tmp_path)
    loose = str(tmp_path / "loose")
    assert repository_root((".",), loose) == loose
    assert repository_root(("-",), str(repo / "deploy")) == str(repo)  # the current folder's tree
    assert repository_root(("missing.yaml",), loose) == loose
