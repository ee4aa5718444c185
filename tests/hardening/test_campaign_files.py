"""File system shapes beyond the first campaign's, as real processes meet them.

- ``check -o NAME/`` names a folder: refused, nothing created (Python's Path drops the slash).
- ``check -o FILE`` on a file the user may not write is refused as ``>`` would refuse it,
  never replaced by a rename beside it.
- ``render``'s ``build: {dockerfile: PATH}`` is untrusted input: inside a git work tree a path
  or a committed link leading out of it is refused unread, so no outside file is quoted.
- kustomizations above the git work tree are not read (a kustomization in ``/tmp`` or a home
  folder could otherwise make kgen skip the checkout's files as "patches").
- ``render -o`` says what is in the way of a folder: a FIFO, a broken link, a link loop.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hardening.support import Measured, permission_binding, run_kgen, snapshot

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: {a: b}\n"
PROFILE = "name: shop\ntype: web\nimage: ghcr.io/acme/shop:1.0\nbuild: {{dockerfile: {dockerfile}}}\nsecurity: {{runAsUser: image}}\n"
#: What an outside file holds that must never be printed.
SECRET = "FROM scratch\nUSER s3cr3t-token-value\n"


def clean(run: Measured) -> Measured:
    assert "Traceback" not in run.stderr and run.code != 3, run.stderr
    return run


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "m.yaml").write_text(CONFIGMAP, encoding="utf-8")
    return tmp_path


# --- check -o ------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["report.json/", "sub/report.json/"])
def test_o_with_a_trailing_slash_names_a_folder(work: Path, target: str) -> None:
    (work / "sub").mkdir()
    before = snapshot(work)
    run = clean(run_kgen("check", "m.yaml", "--no-config", "-j", "1", "-o", target, cwd=work, timeout=30))
    assert run.code == 2 and "-o names the report file; an empty name, or a folder, is not one" in run.stderr
    assert snapshot(work) == before


def test_o_over_a_read_only_report_is_refused_as_the_shell_would(work: Path) -> None:
    binds, preexec = permission_binding()
    assert binds, "chmod must bind for the kgen process (root needs CAP_SETPCAP to drop its overrides)"
    report = work / "report.json"
    report.write_text("kept\n", encoding="utf-8")
    report.chmod(0o444)
    run = clean(run_kgen("check", "m.yaml", "--no-config", "-j", "1", "-o", "report.json", cwd=work, preexec_fn=preexec, timeout=30))
    assert (run.code, run.stderr) == (2, "kgen: cannot write report.json: permission denied (the file is read-only)\n")
    assert report.read_text(encoding="utf-8") == "kept\n" and sorted(p.name for p in work.iterdir()) == ["m.yaml", "report.json"]
    report.chmod(0o644)  # writable again: replaced as before
    run = clean(run_kgen("check", "m.yaml", "--no-config", "-j", "1", "-o", "report.json", cwd=work, preexec_fn=preexec, timeout=30))
    assert run.code == 0 and report.read_text(encoding="utf-8").startswith("no problems found")


# --- render: the Dockerfile a profile names --------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout (``.git``) with a profile folder, and an outside file beside it."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "Dockerfile").write_text(SECRET, encoding="utf-8")
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "profiles").mkdir()
    (checkout / "services").mkdir()
    (checkout / "services" / "Dockerfile").write_text("FROM scratch\nUSER app\n", encoding="utf-8")  # refused once read
    return checkout


@pytest.mark.parametrize(
    ("dockerfile", "said"),
    [
        ("../../outside/Dockerfile", "is outside"),
        ("{outside}/Dockerfile", "is outside"),
        ("link", "leads outside"),
        ("linked/Dockerfile", "is outside"),
    ],
    ids=["dot-dot", "absolute", "link", "linked folder"],
)
def test_a_dockerfile_outside_the_work_tree_is_not_read(repo: Path, dockerfile: str, said: str) -> None:
    outside = repo.parent / "outside"
    (repo / "profiles" / "link").symlink_to(outside / "Dockerfile")
    (repo / "profiles" / "linked").symlink_to(outside)
    profile = repo / "profiles" / "shop.yaml"
    profile.write_text(PROFILE.format(dockerfile=dockerfile.format(outside=outside)), encoding="utf-8")
    run = clean(run_kgen("render", "profiles/shop.yaml", cwd=repo, timeout=30))
    assert run.code == 2 and run.stdout == b""
    assert "build.dockerfile: " in run.stderr and f"{said} {repo}" in run.stderr, run.stderr
    assert "s3cr3t" not in run.stderr


def test_a_dockerfile_inside_the_work_tree_is_read_wherever_the_profile_is(repo: Path) -> None:
    (repo / "profiles" / "shop.yaml").write_text(PROFILE.format(dockerfile="../services/Dockerfile"), encoding="utf-8")
    for cwd in (repo, repo / "profiles", repo.parent):
        run = clean(run_kgen("render", str(repo / "profiles" / "shop.yaml"), cwd=cwd, timeout=30))
        assert run.code == 2 and "services/Dockerfile:2:1 sets USER app" in run.stderr, run.stderr


def test_a_dockerfile_of_a_profile_on_stdin_keeps_to_the_working_folders_tree(repo: Path) -> None:
    text = PROFILE.format(dockerfile="../outside/Dockerfile").encode()
    run = clean(run_kgen("render", "-", cwd=repo, stdin=text, timeout=30))
    assert run.code == 2 and "is outside" in run.stderr and "s3cr3t" not in run.stderr
    run = clean(run_kgen("render", "-", cwd=repo, stdin=PROFILE.format(dockerfile="services/Dockerfile").encode(), timeout=30))
    assert run.code == 2 and "services/Dockerfile:2:1 sets USER app" in run.stderr, run.stderr


# --- kustomizations above the checkout ------------------------------------------------


def test_a_kustomization_above_the_work_tree_does_not_hide_its_files(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "m.yaml").write_text(CONFIGMAP, encoding="utf-8")
    (tmp_path / "kustomization.yaml").write_text("patchesStrategicMerge:\n- checkout/m.yaml\n", encoding="utf-8")
    run = clean(run_kgen("check", ".", "--no-config", "-j", "1", cwd=checkout, timeout=30))
    assert (run.code, run.out) == (0, "no problems found in 1 object (1 file)\n")
    (checkout / "kustomization.yaml").write_text("patchesStrategicMerge:\n- m.yaml\n", encoding="utf-8")
    run = clean(run_kgen("check", ".", "--no-config", "-j", "1", cwd=checkout, timeout=30))
    assert "1 kustomize patch skipped" in run.out + run.stderr  # one inside the checkout still counts


# --- render -o: what is in the way of the folder ----------------------------------------


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: os.mkfifo(p), "is a FIFO (named pipe), not a folder"),
        (lambda p: p.symlink_to("nowhere"), "is a broken symbolic link, not a folder"),
        (lambda p: (p.symlink_to(p.with_name("loop2")), p.with_name("loop2").symlink_to(p)), "is a symbolic link loop, not a folder"),
        (lambda p: p.symlink_to("/dev/null"), "is a character device, not a folder"),
    ],
    ids=["fifo", "dangling", "loop", "device"],
)
@pytest.mark.parametrize("below", [False, True], ids=["as -o", "as a parent"])
def test_render_o_names_what_is_in_the_way(work: Path, make: object, said: str, below: bool) -> None:
    (work / "p.yaml").write_text("name: shop\ntype: web\nimage: ghcr.io/acme/shop:1.0\n", encoding="utf-8")
    make(work / "out")  # type: ignore[operator]
    before = sorted((p.name, p.lstat().st_mode) for p in work.iterdir())  # no snapshot: it would read the FIFO
    run = clean(run_kgen("render", "p.yaml", "-o", "out/sub" if below else "out", cwd=work, timeout=30))
    assert run.code == 2 and said in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert sorted((p.name, p.lstat().st_mode) for p in work.iterdir()) == before
