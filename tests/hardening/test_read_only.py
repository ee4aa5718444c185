"""`check` and `diff` only read: an audit hook fails any write, rename, removal or
permission change while they run, and their inputs are byte-, mode- and
mtime-identical afterwards, also when the inputs are really read-only."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.hardening.support import CORPUS, REPO, invoke, permission_binding, run_kgen, snapshot

_MUTATING = {
    "os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.utime",
    "os.truncate", "os.link", "os.symlink", "shutil.rmtree", "shutil.move", "shutil.copyfile",
    "os.chflags", "os.lchflags", "os.setxattr", "os.removexattr",
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class _Watch:
    active = False
    seen: list[str] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _Watch.active:
        return
    if event == "open":
        path, mode, flags = args
        if "__pycache__" in str(path):
            return  # Python caching bytecode of a module imported for the first time
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if not writes:
            return
    elif event not in _MUTATING:
        return
    _Watch.seen.append(f"{event} {args!r}")
    raise PermissionError(f"the hardening tests forbid {event} here: {args!r}")


sys.addaudithook(_hook)  # audit hooks cannot be removed; it does nothing unless watching


@pytest.fixture
def only_reads() -> Iterator[list[str]]:
    _Watch.seen = []
    _Watch.active = True
    try:
        yield _Watch.seen
    finally:
        _Watch.active = False


INPUTS = [CORPUS / "microservices-demo", CORPUS / "examples" / "web", REPO / "fixtures" / "manifests"]


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github"])
def test_check_only_reads(only_reads: list[str], output_format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    before = {str(path): snapshot(path) for path in INPUTS}
    for jobs in ("1", "2"):
        outcome = invoke("check", *map(str, INPUTS), "-f", output_format, "-j", jobs, "--no-config", cpu=30, mib=None)
        assert outcome.code == 1, outcome.stderr
    assert only_reads == []
    assert {str(path): snapshot(path) for path in INPUTS} == before


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_diff_only_reads(only_reads: list[str], output_format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    old, new = CORPUS / "microservices-demo" / "kubernetes-manifests", CORPUS / "microservices-demo" / "release"
    before = (snapshot(old), snapshot(new))
    outcome = invoke("diff", str(old), str(new), "-f", output_format, cpu=30, mib=None)
    assert outcome.code == 1, outcome.stderr
    assert only_reads == [] and (snapshot(old), snapshot(new)) == before


def test_render_without_output_and_the_guard_only_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, only_reads: list[str]
) -> None:
    monkeypatch.chdir(REPO)
    _Watch.active = False
    assert invoke("render", "fixtures/profiles", "-o", str(tmp_path / "k8s"), mib=None).code == 0
    _Watch.active = True
    before = snapshot(tmp_path)
    assert invoke("render", "fixtures/profiles", mib=None).code == 0
    assert invoke("render", "fixtures/profiles", "-o", str(tmp_path / "k8s"), "--check", mib=None).code == 0
    assert only_reads == [] and snapshot(tmp_path) == before


def test_the_watch_does_catch_writes(tmp_path: Path, only_reads: list[str]) -> None:
    """The hook is not vacuous: a render -o is refused by it."""
    outcome = invoke("render", str(REPO / "fixtures" / "profiles" / "shop-api.yaml"), "-o", str(tmp_path / "out"), mib=None)
    assert outcome.code != 0 and only_reads


def test_check_and_diff_of_really_read_only_inputs(tmp_path: Path) -> None:
    """Inputs chmod'ed read-only (binding even for root where possible) check as usual."""
    tree = tmp_path / "inputs"
    shutil.copytree(CORPUS / "microservices-demo", tree)
    binds, preexec = permission_binding()
    for root, dirs, files in os.walk(tree):
        for name in files:
            os.chmod(os.path.join(root, name), 0o444)
        os.chmod(root, 0o555)
    try:
        before = snapshot(tree)
        check = run_kgen("check", str(tree), "--no-config", "-f", "json", cwd=tmp_path, preexec_fn=preexec)
        diff = run_kgen("diff", str(tree / "kubernetes-manifests"), str(tree / "release"), cwd=tmp_path, preexec_fn=preexec)
        after = snapshot(tree)
    finally:
        for root, dirs, files in os.walk(tree):
            os.chmod(root, 0o755)
    assert check.code == 1 and check.stderr == ""
    assert diff.code == 1 and diff.stderr == ""
    assert after == before
    assert binds or os.geteuid() == 0  # without binding (root, no CAP_SETPCAP) the audit tests above carry it
