"""What kgen reads: regular files only, inside the tree it is given, within bounds.

A FIFO or a device among the manifests (git can store a link to ``/dev/stdin``) is refused
without being opened for reading; a symbolic link below a named folder that leads out of it
is refused, never printed; broken links read the same wherever they are met; the file-size
flag is bounded and stdin is read as it comes; ``.kgen.yaml`` is found only up to the
repository's top and only when it is small. Every test runs a real kgen process: a hang is
caught by run_kgen's timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.hardening.support import MIB, assert_bounded, run_kgen

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: b}}\n"
PROFILE = "name: {name}\ntype: web\nimage: ghcr.io/acme/{name}:1.0\n"
SECRET = "sk-live-0123456789abcdef"
KUBECONFIG = f"apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user: {{token: {SECRET}}}\n"
TIMEOUT = 60  # a hang, not a slow machine: each run takes well under a second of CPU

OUTSIDE = "symbolic link to {what} outside {root}; not read (kgen reads only inside the folders it is given; --follow-symlinks reads it)"
BROKEN = "broken symbolic link: its target does not exist"
LOOP = "symbolic link loop: it never reaches a file"
FIFO = "is a FIFO (named pipe), not a regular file; kgen reads only regular files"
DEVICE = "is a character device, not a regular file; kgen reads only regular files"


def findings(run: object) -> list[tuple[str, str, str]]:
    return [(f["file"], f["rule"], f["message"]) for f in json.loads(run.stdout)["findings"]]  # type: ignore[attr-defined]


def check(*args: str, cwd: Path) -> object:
    return run_kgen("check", *args, "--no-config", "-f", "json", "-j", "1", cwd=cwd, timeout=TIMEOUT)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A repository whose k8s/ holds one good manifest and every kind of file kgen must not read."""
    repo = tmp_path / "repo"
    (repo / "k8s").mkdir(parents=True)
    (tmp_path / "home" / ".kube").mkdir(parents=True)
    (tmp_path / "home" / ".kube" / "config").write_text(KUBECONFIG, encoding="utf-8")
    (repo / "k8s" / "a.yaml").write_text(CONFIGMAP.format(name="a"), encoding="utf-8")
    os.mkfifo(repo / "k8s" / "pipe.yaml")
    (repo / "k8s" / "stdin.yaml").symlink_to("/dev/stdin")
    (repo / "k8s" / "leak.yaml").symlink_to(tmp_path / "home" / ".kube" / "config")
    (repo / "k8s" / "usr").symlink_to("/usr")
    (repo / "k8s" / "root").symlink_to("/")
    (repo / "k8s" / "dangling.yaml").symlink_to("missing.yaml")
    (repo / "k8s" / "loop1.yaml").symlink_to("loop2.yaml")
    (repo / "k8s" / "loop2.yaml").symlink_to("loop1.yaml")
    (repo / "k8s" / "same.yaml").symlink_to("a.yaml")  # inside the tree: read as a.yaml is
    (repo / "k8s" / "notes").symlink_to(tmp_path / "home")  # outside, not a manifest name, but a folder
    (repo / "k8s" / "README").symlink_to(tmp_path / "home" / ".kube" / "config")  # outside, not a manifest: ignored
    return repo


def test_check_reports_what_it_will_not_read_and_reads_the_rest(tree: Path) -> None:
    run = check("k8s", cwd=tree)
    assert run.code == 1, run.stderr
    outside = OUTSIDE.format(root="k8s", what="a file")
    outside_folder = OUTSIDE.format(root="k8s", what="a folder")
    assert findings(run) == [
        ("k8s/dangling.yaml", "yaml-invalid", BROKEN),
        ("k8s/leak.yaml", "yaml-invalid", outside),
        ("k8s/loop1.yaml", "yaml-invalid", LOOP),
        ("k8s/loop2.yaml", "yaml-invalid", LOOP),
        ("k8s/notes", "yaml-invalid", outside_folder),
        ("k8s/pipe.yaml", "yaml-invalid", FIFO),
        ("k8s/root", "yaml-invalid", outside_folder),
        ("k8s/stdin.yaml", "yaml-invalid", outside),
        ("k8s/usr", "yaml-invalid", outside_folder),
    ]
    assert json.loads(run.stdout)["summary"]["files"] == 11  # a.yaml and same.yaml read, nothing below /usr or /
    assert SECRET not in run.out + run.stderr
    assert run.cpu < 10, "nothing outside the tree is walked"


def test_diff_never_prints_an_outside_file_on_either_side(tree: Path) -> None:
    old = tree / "old"
    old.mkdir()
    (old / "a.yaml").write_text(CONFIGMAP.format(name="a"), encoding="utf-8")
    (old / "leak.yaml").symlink_to(tree.parent / "home" / ".kube" / "config")
    new = tree / "new"
    new.mkdir()
    (new / "a.yaml").write_text(CONFIGMAP.format(name="a"), encoding="utf-8")
    (new / "kube.yaml").symlink_to(tree.parent / "home" / ".kube" / "config")
    for left, right, named in (("old", "new", "old/leak.yaml"), ("new", "old", "new/kube.yaml")):
        run = run_kgen("diff", left, right, "--format", "markdown", cwd=tree, timeout=TIMEOUT)
        root = named.split("/")[0]
        assert (run.code, run.out) == (2, "")
        assert run.stderr == f"kgen: {named}: {OUTSIDE.format(root=root, what='a file')}\n"


def test_diff_and_render_refuse_a_fifo_naming_it(tree: Path) -> None:
    diff = run_kgen("diff", "k8s/a.yaml", "k8s/pipe.yaml", cwd=tree, timeout=TIMEOUT)
    assert (diff.code, diff.stderr) == (2, f"kgen: k8s/pipe.yaml: {FIFO}\n")
    profiles = tree / "profiles"
    profiles.mkdir()
    (profiles / "a.yaml").write_text(PROFILE.format(name="a"), encoding="utf-8")
    os.mkfifo(profiles / "b.yaml")
    render = run_kgen("render", "profiles", cwd=tree, timeout=TIMEOUT)
    assert (render.code, render.out, render.stderr) == (2, "", f"kgen: profiles/b.yaml: {FIFO}\n")
    named = run_kgen("render", "profiles/b.yaml", cwd=tree, timeout=TIMEOUT)
    assert (named.code, named.stderr) == (2, f"kgen: profiles/b.yaml: {FIFO}\n")


def test_a_named_link_to_a_device_is_read_only_if_regular(tree: Path) -> None:
    """The command line's own paths are followed (the user named them), but a device is never read."""
    run = check("k8s/stdin.yaml", cwd=tree)  # stdin is /dev/null here: a character device
    assert findings(run) == [("k8s/stdin.yaml", "yaml-invalid", DEVICE)]
    (tree / "only").mkdir()
    (tree / "only" / "in.yaml").symlink_to("/dev/stdin")
    followed = check("only", "--follow-symlinks", cwd=tree)
    assert findings(followed) == [("only/in.yaml", "yaml-invalid", DEVICE)]


def test_follow_symlinks_reads_outside_links(tree: Path) -> None:
    (tree / "k8s" / "usr").unlink()
    (tree / "k8s" / "root").unlink()
    outside = tree.parent / "common"
    outside.mkdir()
    (outside / "b.yaml").write_text(CONFIGMAP.format(name="b"), encoding="utf-8")
    (tree / "k8s" / "common").symlink_to(outside)
    run = check("k8s", "--follow-symlinks", cwd=tree)
    refused = {file for file, _, message in findings(run) if message.startswith("symbolic link to")}
    assert refused == set()  # leak.yaml and common/ are read (the broken links and the FIFO stay refused)
    assert json.loads(run.stdout)["summary"]["files"] == 9  # common/b.yaml in; notes/ holds only hidden .kube


def test_broken_links_on_the_command_line_read_the_same(tree: Path) -> None:
    for name, message in (("dangling.yaml", BROKEN), ("loop1.yaml", LOOP)):
        for command in (("check", "--no-config"), ("diff", "k8s/a.yaml"), ("render",)):
            run = run_kgen(*command, f"k8s/{name}", cwd=tree, timeout=TIMEOUT)
            assert (run.code, run.stderr) == (2, f"kgen: k8s/{name}: {message}\n"), command


def test_a_fifo_in_a_policy_folder_or_as_the_config_is_refused(tree: Path) -> None:
    (tree / "policies").mkdir()
    os.mkfifo(tree / "policies" / "custom.yaml")
    run = run_kgen("check", "k8s/a.yaml", "--no-config", "--policies", "policies", cwd=tree, timeout=TIMEOUT)
    assert (run.code, run.stderr) == (2, f"kgen: policies/custom.yaml: cannot read policy file: {FIFO}\n")
    os.mkfifo(tree / ".kgen.yaml")
    for command in (("check", "k8s/a.yaml"), ("diff", "k8s/a.yaml", "k8s/a.yaml")):
        run = run_kgen(*command, cwd=tree, timeout=TIMEOUT)
        assert (run.code, run.stderr) == (2, f"kgen: .kgen.yaml: cannot read config file: {FIFO}\n"), command


@pytest.mark.parametrize("command", [("check", "m.yaml", "--no-config"), ("diff", "m.yaml", "m.yaml"), ("render", "p.yaml")])
def test_the_file_size_flag_is_bounded(tmp_path: Path, command: tuple[str, ...]) -> None:
    (tmp_path / "m.yaml").write_text(CONFIGMAP.format(name="m"), encoding="utf-8")
    (tmp_path / "p.yaml").write_text(PROFILE.format(name="p"), encoding="utf-8")
    run = run_kgen(*command, "--max-file-size", "10000000000000", cwd=tmp_path, timeout=TIMEOUT)
    assert run.code == 2 and "10000000000000 is not in the range 1<=x<=4096" in run.stderr
    largest = run_kgen(*command, "--max-file-size", "4096", cwd=tmp_path, timeout=TIMEOUT)
    assert largest.code in (0, 1), largest.stderr


@pytest.mark.parametrize("command", [("check", "-", "--no-config", "-j", "1"), ("diff", "m.yaml", "-"), ("render", "-")])
def test_stdin_is_read_as_it_comes_not_allocated_to_the_limit(tmp_path: Path, command: tuple[str, ...]) -> None:
    (tmp_path / "m.yaml").write_text(CONFIGMAP.format(name="m"), encoding="utf-8")
    text = PROFILE.format(name="p") if command[0] == "render" else CONFIGMAP.format(name="m")
    run = run_kgen(*command, "--max-file-size", "4096", cwd=tmp_path, stdin=text.encode(), timeout=TIMEOUT)
    assert run.code == 0, run.stderr
    assert_bounded(run, command[0], cpu=5, mib=100)  # not 4 GiB


def test_stdin_over_the_limit_is_refused_after_one_byte_more(tmp_path: Path) -> None:
    data = b"#" * (MIB + 10)
    run = run_kgen("check", "-", "--no-config", "-f", "json", "--max-file-size", "1", cwd=tmp_path, stdin=data, timeout=TIMEOUT)
    assert findings(run) == [("<stdin>", "yaml-invalid", f"file is larger than the 1 MiB limit ({MIB + 1} bytes); raise it with --max-file-size")]


def git_repo(folder: Path) -> Path:
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"


def test_a_config_above_the_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".kgen.yaml").write_text("failOn: never\n", encoding="utf-8")  # would make the run pass
    repo = git_repo(tmp_path / "repo")
    (repo / "deploy").mkdir()
    (repo / "deploy" / "pod.yaml").write_text(POD, encoding="utf-8")
    run = run_kgen("check", "pod.yaml", cwd=repo / "deploy", timeout=TIMEOUT)
    assert run.code == 1, run.stderr
    (repo / ".kgen.yaml").write_text("failOn: never\n", encoding="utf-8")  # at the top: found
    found = run_kgen("check", "pod.yaml", cwd=repo / "deploy", timeout=TIMEOUT)
    assert found.code == 0, found.stderr


def test_a_big_config_is_refused_naming_it(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "pod.yaml").write_text(POD, encoding="utf-8")
    (repo / ".kgen.yaml").write_bytes(b"# " + b"x" * (3 * MIB) + b"\n")
    for command in (("check", "pod.yaml"), ("diff", "pod.yaml", "pod.yaml")):
        run = run_kgen(*command, cwd=repo, timeout=TIMEOUT)
        assert (run.code, run.stderr) == (2, f"kgen: .kgen.yaml: config file is larger than 2 MiB ({3 * MIB + 3} bytes); not read\n")
        assert_bounded(run, command[0], cpu=5, mib=50)


def test_a_config_linked_from_outside_the_repository_is_refused(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "pod.yaml").write_text(POD, encoding="utf-8")
    (tmp_path / "elsewhere.yaml").write_text("failOn: never\n", encoding="utf-8")
    (repo / ".kgen.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    run = run_kgen("check", "pod.yaml", cwd=repo, timeout=TIMEOUT)
    assert run.code == 2
    assert run.stderr.startswith(f"kgen: .kgen.yaml: a symbolic link to a file outside the repository ({repo.resolve()})")
    named = run_kgen("check", "pod.yaml", "--config", ".kgen.yaml", cwd=repo, timeout=TIMEOUT)
    assert named.code == 0, named.stderr  # named on the command line: the user's choice
