"""Hostile YAML through render, check and diff, each run as CI runs it (a real
process), with its CPU time and peak memory bounded - not just "it returned".

Bounds are above what starting Python and kgen costs anyway (see support.baseline),
tight on CPU and memory; wall time, which a busy machine stretches, only bounds a hang
(run_kgen's timeout).
"""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import pytest

from kgen.errors import LoadError
from kgen.load.yamlload import DEFAULT_LIMITS, Document, Limits, load_text

from tests.hardening.support import MIB, assert_bounded, baseline, run_kgen

HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n"
PROFILE_HEAD = "name: lol\ntype: web\nimage: ghcr.io/acme/lol:1.0\n"


def laughs(levels: int = 9, width: int = 10, leaf: str = "lol", indent: str = "") -> str:
    """The billion laughs: each level a list of ``width`` aliases of the level below."""
    lines = [f"{indent}a0: &a0 [{', '.join([leaf] * width)}]"]
    for level in range(1, levels):
        lines.append(f"{indent}a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def merge_laughs(levels: int = 7, width: int = 10) -> str:
    """The same with mappings and merge keys (<<), which copy keys rather than share."""
    lines = [f"m0: &m0 {{{', '.join(f'k{i}: lol' for i in range(width))}}}"]
    for level in range(1, levels):
        keys = ", ".join(f"k{i}: *m{level - 1}" for i in range(width))
        lines.append(f"m{level}: &m{level} {{<<: *m{level - 1}, {keys}}}")
    return "\n".join(lines) + "\n"


def long_text_laughs(size: int = 60_000, uses: int = 2_000) -> str:
    """Few nodes, much text: one long scalar repeated by aliases (120 MB expanded)."""
    return f"a: &a {'x' * size}\nb: [{', '.join(['*a'] * uses)}]\n"


BOMBS = {
    "billion-laughs": HEAD + "data:\n" + laughs(indent="  "),
    "billion-laughs-top-level": HEAD + laughs(),
    "merge-keys": HEAD + merge_laughs(),
    "long-text": HEAD + long_text_laughs(),
    # a million nodes: under the 2,000,000-node cap, still a bomb (a 400-byte file)
    "under-the-node-cap": HEAD + laughs(levels=6),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_alias_bombs_are_refused_by_every_command(folder: Path, name: str) -> None:
    bomb = folder / f"{name}.yaml"
    bomb.write_text(BOMBS[name], encoding="utf-8")
    variant = folder / f"{name}-variant.yaml"  # the same bomb with one leaf changed: diff would walk both
    variant.write_text(BOMBS[name].replace("lol", "lal", 1).replace("xxx", "xxy", 1), encoding="utf-8")
    profile = folder / f"{name}-profile.yaml"
    profile.write_text(PROFILE_HEAD + BOMBS[name][len(HEAD) :], encoding="utf-8")

    check = run_kgen("check", str(bomb), "--no-config", "-f", "json", "-j", "1", cwd=folder)
    assert check.code == 1, check.stderr
    (finding,) = json.loads(check.stdout)["findings"]
    assert finding["rule"] == "yaml-invalid" and "alias bomb" in finding["message"]
    assert_bounded(check, "check", cpu=1.0, mib=20)

    for args in (("diff", str(bomb), str(variant)), ("diff", str(bomb), str(variant), "-f", "json")):
        diff = run_kgen(*args, cwd=folder)
        assert diff.code == 2 and "alias bomb" in diff.stderr and "Traceback" not in diff.stderr
        assert_bounded(diff, "diff", cpu=1.0, mib=20)

    render = run_kgen("render", str(profile), cwd=folder)
    assert render.code == 2 and "alias bomb" in render.stderr
    assert_bounded(render, "render", cpu=1.0, mib=20)


def test_loading_a_bomb_costs_neither_time_nor_memory() -> None:
    """In-process, with tracemalloc: refused within a second and a few MiB."""
    for name, text in BOMBS.items():
        tracemalloc.start()
        start = time.process_time()
        result = list(load_text(text, f"{name}.yaml"))
        seconds = time.process_time() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        (error,) = result
        assert isinstance(error, LoadError) and "alias bomb" in error.message, name
        assert seconds < 1.0, f"{name}: {seconds:.2f} s"
        assert peak < 8 * MIB + 3 * len(text), f"{name}: {peak / MIB:.1f} MiB"


def test_accepted_aliases_are_a_small_multiple_of_the_text() -> None:
    """What the loader lets through, every later walk may expand: it must stay small."""
    legit = HEAD + "x-defaults: &defaults {cpu: 100m, memory: 128Mi}\ndata:\n" + "".join(
        f"  k{i}: *defaults\n" for i in range(500)
    )
    (doc,) = load_text(legit, "legit.yaml")
    assert isinstance(doc, Document)
    assert len(doc.data["data"]) == 500  # a reasonable use of anchors still loads
    (refused,) = load_text(HEAD + laughs(levels=4), "l4.yaml")  # 12,340 nodes from 200 bytes
    assert isinstance(refused, LoadError) and "alias bomb" in refused.message
    relaxed = Limits(max_alias_ratio=DEFAULT_LIMITS.max_alias_ratio, alias_allowance=100_000)
    (loaded,) = load_text(HEAD + laughs(levels=4), "l4.yaml", relaxed)
    assert isinstance(loaded, Document)  # the allowance is what decides, and it can be set


@pytest.mark.parametrize("shape", ["lists", "flow-mappings", "mixed"])
def test_ten_thousand_levels_of_nesting(folder: Path, shape: str) -> None:
    opening, closing = {
        "lists": ("[" * 10_000, "]" * 10_000),
        "flow-mappings": ("{a: " * 10_000, "1" + "}" * 10_000),
        "mixed": ("[{a: " * 5_000, "1" + "}]" * 5_000),
    }[shape]
    manifest = folder / f"deep-{shape}.yaml"
    manifest.write_text(HEAD + "data: " + opening + closing + "\n", encoding="utf-8")
    profile = folder / f"deep-{shape}-profile.yaml"
    profile.write_text(PROFILE_HEAD + "env: " + opening + closing + "\n", encoding="utf-8")

    check = run_kgen("check", str(manifest), "--no-config", "-f", "json", "-j", "1", cwd=folder)
    assert check.code == 1
    (finding,) = json.loads(check.stdout)["findings"]
    assert finding["rule"] == "yaml-invalid" and "nesting" in finding["message"]
    assert_bounded(check, "check", cpu=1.0, mib=20)

    diff = run_kgen("diff", str(manifest), str(manifest), cwd=folder)
    assert diff.code == 2 and "nesting" in diff.stderr
    assert_bounded(diff, "diff", cpu=1.0, mib=20)

    render = run_kgen("render", str(profile), cwd=folder)
    assert render.code == 2 and "nesting" in render.stderr
    assert_bounded(render, "render", cpu=1.0, mib=20)


def test_a_50_mb_scalar(folder: Path) -> None:
    """Refused as too long a scalar, at no more than five times its size in memory."""
    size = 50 * MIB
    manifest = folder / "scalar.yaml"
    with open(manifest, "w", encoding="utf-8") as handle:
        handle.write(HEAD + "data:\n  blob: ")
        handle.write("x" * size)
        handle.write("\n")
    check = run_kgen("check", str(manifest), "--no-config", "-f", "json", "-j", "1", cwd=folder)
    assert check.code == 1, check.stderr
    (finding,) = json.loads(check.stdout)["findings"]
    assert finding["rule"] == "yaml-invalid" and "scalar longer than" in finding["message"]
    assert (finding["line"], finding["column"]) == (5, 9)
    assert_bounded(check, "check", cpu=5.0, mib=5 * size / MIB)

    diff = run_kgen("diff", str(manifest), str(manifest), cwd=folder)
    assert diff.code == 2 and "scalar longer than" in diff.stderr
    assert_bounded(diff, "diff", cpu=5.0, mib=5 * size / MIB)
    manifest.unlink()


def test_a_100_mb_file(folder: Path) -> None:
    """Refused before it is read, with the limit and the flag that raises it."""
    big = folder / "big.yaml"
    line = "  k{:09d}: " + "v" * 28 + "\n"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write(HEAD + "data:\n")
        block = "".join(line.format(i) for i in range(25_000))
        while handle.tell() < 100 * MIB:
            handle.write(block)
    size = big.stat().st_size

    check = run_kgen("check", str(big), "--no-config", "-f", "json", "-j", "1", cwd=folder)
    assert check.code == 1
    (finding,) = json.loads(check.stdout)["findings"]
    assert finding["rule"] == "yaml-invalid"
    assert finding["message"] == (
        f"file is larger than the 64 MiB limit ({size} bytes); raise it with --max-file-size"
    )
    assert_bounded(check, "check", cpu=1.0, mib=16)
    for command in ("diff", "render"):
        args = (command, str(big), str(big)) if command == "diff" else (command, str(big))
        refused = run_kgen(*args, cwd=folder)
        assert refused.code == 2
        assert f"file is larger than the 64 MiB limit ({size} bytes); raise it with --max-file-size" in refused.stderr
        assert_bounded(refused, command, cpu=1.0, mib=16)

    # on stdin the size is unknown: kgen reads one byte past the limit, never the whole input
    piped = run_kgen("check", "-", "--no-config", "-f", "json", "-j", "1", stdin=big, cwd=folder)
    assert piped.code == 1
    assert "file is larger than the 64 MiB limit" in json.loads(piped.stdout)["findings"][0]["message"]
    assert_bounded(piped, "check", cpu=2.0, mib=64 * 1.5)
    big.unlink()


def test_the_size_limit_is_configurable(folder: Path) -> None:
    manifest = folder / "three-mib.yaml"
    manifest.write_text(HEAD + "data:\n" + "".join(f"  k{i:07d}: {'v' * 20}\n" for i in range(100_000)), encoding="utf-8")
    assert 3 * MIB < manifest.stat().st_size < 4 * MIB
    refused = run_kgen("check", str(manifest), "--no-config", "--max-file-size", "2", "-j", "1", cwd=folder)
    assert refused.code == 1 and "larger than the 2 MiB limit" in refused.out
    accepted = run_kgen("check", str(manifest), "--no-config", "--max-file-size", "4", "-j", "1", cwd=folder)
    # read in full: what is left to say is the API server's own 1 MiB limit on a ConfigMap's data
    assert "larger than" not in accepted.out
    assert accepted.code == 1 and "api-rejected data and binaryData: Too long" in accepted.out, accepted.out
    for command in ("diff", "render"):
        args = (command, str(manifest), str(manifest)) if command == "diff" else (command, str(manifest))
        small = run_kgen(*args, "--max-file-size", "2", cwd=folder)
        assert small.code == 2 and "larger than the 2 MiB limit" in small.stderr
    same = run_kgen("diff", str(manifest), str(manifest), "--max-file-size", "4", cwd=folder)
    assert same.code == 0


def test_baselines_are_sane() -> None:
    """The floor the bounds are measured from is itself small (else every bound is loose)."""
    for command in ("check", "diff", "render"):
        base = baseline(command)
        assert base.code == 0, base.stderr
        assert base.peak_mib < 200 and base.cpu < 5


def test_tags_never_construct_objects(folder: Path) -> None:
    """YAML tags that would run code in an unsafe loader stay plain data."""
    text = HEAD + (
        "data:\n"
        "  a: !!python/object/apply:os.system ['touch pwned']\n"
        "  b: !!python/name:os.system\n"
        "  c: !custom {x: 1}\n"
        "  d: !!binary aGVsbG8=\n"
    )
    (doc,) = load_text(text, "tags.yaml")
    assert isinstance(doc, Document)
    assert doc.data["data"] == {"a": ["touch pwned"], "b": "", "c": {"x": 1}, "d": "aGVsbG8="}
    manifest = folder / "tags.yaml"
    manifest.write_text(text, encoding="utf-8")
    check = run_kgen("check", str(manifest), "--no-config", "-j", "1", cwd=folder)
    assert check.code == 1 and not (folder / "pwned").exists()
