"""The same inputs give the same bytes: across runs, across PYTHONHASHSEED values
(each in its own interpreter), with one worker or several, and whatever order the
filesystem lists files in."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.hardening.support import CORPUS, REPO, contents, invoke

MICROSERVICES = CORPUS / "microservices-demo"
COMMANDS: dict[str, list[str]] = {
    "render": ["render", "fixtures/profiles"],
    "render-env": ["render", "fixtures/profiles/shop-api.yaml", "--env", "prod"],
    "check-json": ["check", str(MICROSERVICES), str(CORPUS / "examples" / "web"), "fixtures/policies", "--no-config", "-f", "json", "-j", "2"],
    "check-sarif": ["check", str(MICROSERVICES), "fixtures/manifests", "--no-config", "-f", "sarif", "-j", "2"],
    "diff-json": ["diff", str(MICROSERVICES / "kubernetes-manifests"), str(MICROSERVICES / "release" / "kubernetes-manifests.yaml"), "-f", "json"],
    "diff-text": ["diff", "fixtures/diff/shop/old", "fixtures/diff/shop/new", "--color", "always"],
    "diff-markdown": ["diff", "fixtures/diff/shop/old", "fixtures/diff/shop/new", "-f", "markdown"],
}

# Runs every command in one interpreter (whose hash seed the test sets) and prints
# {name: [exit code, stdout]}; `render -o` goes to the folder named in argv[2].
SCRIPT = """
import json, sys
from click.testing import CliRunner
from kgen.cli import run
commands = json.loads(sys.argv[1])
commands["render-o"] = ["render", "fixtures/profiles", "-o", sys.argv[2]]
found = {}
for name, args in commands.items():
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = run(args)
        sys.stdout.flush()
    found[name] = [code, out.getvalue().decode("utf-8")]
print(json.dumps(found))
"""


def run_with_seed(seed: str, out: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(COMMANDS), str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    found["files"] = {name: data.decode("utf-8") for name, data in contents(out).items()}
    return found


def test_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    runs = {seed: run_with_seed(seed, tmp_path / f"out-{seed}") for seed in ("0", "4294967295")}
    first = runs["0"]
    assert first["render"][0] == 0 and first["check-json"][0] == 1 and first["diff-json"][0] == 1
    assert len(first["files"]) > 20 and json.loads(first["check-json"][1])["findings"]
    assert "\x1b[" in first["diff-text"][1]  # colour on: the escapes are part of what must not vary
    for seed, found in runs.items():
        for name in first:
            assert found[name] == first[name], f"{name} differs with PYTHONHASHSEED={seed}"


def test_one_worker_or_many_give_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    args = ["check", str(CORPUS / "kube-prometheus" / "examples"), str(MICROSERVICES), "--no-config", "-f", "sarif"]
    one = invoke(*args, "-j", "1", cpu=30, mib=None)
    many = invoke(*args, "-j", "2", cpu=30, mib=None)
    assert one.code == many.code == 1
    assert one.stdout == many.stdout


REAL_SCANDIR = os.scandir


class Shuffled:
    """os.scandir whose entries come in a seeded random order (as some filesystems list them)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def __call__(self, path: Any = ".") -> "_Listing":
        with REAL_SCANDIR(path) as listing:
            entries = list(listing)
        self.rng.shuffle(entries)
        return _Listing(entries)


class _Listing:
    def __init__(self, entries: list[Any]) -> None:
        self.entries = entries

    def __iter__(self) -> Iterator[Any]:
        return iter(self.entries)

    def __enter__(self) -> "_Listing":
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def test_the_order_the_filesystem_lists_files_in_does_not_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovery and the writer both list folders with os.scandir: shuffle it."""
    monkeypatch.chdir(REPO)
    outputs: dict[str, set[str]] = {}
    for seed in (None, 1, 2):
        if seed is not None:
            monkeypatch.setattr(os, "scandir", Shuffled(seed))
        out = tmp_path / f"out-{seed}"
        results = {
            "check": invoke(*COMMANDS["check-json"][:-2], "-j", "1", cpu=30, mib=None).stdout,
            "diff": invoke(*COMMANDS["diff-json"], cpu=30, mib=None).stdout,
            "render": invoke(*COMMANDS["render"], cpu=30, mib=None).stdout,
        }
        assert invoke("render", "fixtures/profiles", "-o", str(out), cpu=30, mib=None).code == 0
        assert invoke("render", "fixtures/profiles", "-o", str(out), cpu=30, mib=None).code == 0  # over itself
        results["files"] = json.dumps({k: v.decode() for k, v in contents(out).items()})
        for name, text in results.items():
            outputs.setdefault(name, set()).add(text)
    assert all(len(texts) == 1 for texts in outputs.values()), {k: len(v) for k, v in outputs.items()}
