"""Folder paths in a profile are judged as the container runtime will read them: ``.`` and ``..``
parts are resolved inside the image, through its symbolic links, so they are refused with the
folder meant; repeated and trailing slashes are the same folder, and are written without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.support import run_kgen

WEB = "name: a\ntype: web\nimage: ghcr.io/acme/a:1.0\nwritablePaths: [{paths}]\n"
DATABASE = "name: a\ntype: database\nport: 5432\nreplicas: 3\nimage: ghcr.io/acme/a:1.0\ndataPath: {path}\n"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("/.", "'/.' is the root filesystem itself and would hide the whole image"),
        ("/var/..", "'/var/..' is the root filesystem itself"),
        ("/a/../b", "'/a/../b' has '.' or '..' parts, which the container runtime resolves inside the image "
         "(through its symbolic links); write the folder itself, like '/b'"),
        ("/var/./cache", "like '/var/cache'"),
        ("//tmp", "'//tmp' is always writable (kgen mounts an emptyDir there)"),
        ("/tmp/", "'/tmp/' is always writable"),
        ("//", "'/' would hide the whole image"),
    ],
)
def test_writable_paths_that_escape_the_checks_are_refused(tmp_path: Path, written: str, message: str) -> None:
    (tmp_path / "p.yaml").write_text(WEB.format(paths=f"'{written}'"))
    run = run_kgen("render", "p.yaml", "-o", "out", cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.startswith("kgen: p.yaml:4:17: writablePaths[0]: ") and message in run.stderr, run.stderr
    assert not (tmp_path / "out").exists()


def test_the_same_folder_written_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(WEB.format(paths="/var/cache, '//var//cache/'"))
    run = run_kgen("render", "p.yaml", cwd=tmp_path)
    assert run.code == 2 and "writablePaths[1]: '//var//cache/' is listed already (writablePaths[0])" in run.stderr


def test_a_database_volume_path_with_backsteps_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(DATABASE.format(path="/data/../.."))
    run = run_kgen("render", "p.yaml", cwd=tmp_path)
    assert run.code == 2 and "p.yaml:6:1: dataPath: '/data/../..' is the root filesystem itself" in run.stderr


def test_slashes_are_written_as_one_folder(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(WEB.format(paths="'//a/', /var/cache/"))
    run = run_kgen("render", "p.yaml", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "mountPath: /a\n" in run.out and "mountPath: /var/cache\n" in run.out and "//" not in run.out
