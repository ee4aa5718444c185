"""Mapping keys count against every limit values count against: the scalar length
limit (whatever the key's type), the long-text and node accounting behind the alias
bound, and the node limit; in check, diff and render (each a real process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgen.errors import LoadError
from kgen.load.yamlload import Document, Limits, load_text

from tests.hardening.support import assert_bounded, run_kgen

HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n"
PROFILE_HEAD = "name: lol\ntype: web\nimage: ghcr.io/acme/lol:1.0\n"
LIMIT = 8 * 1024 * 1024


@pytest.mark.parametrize(
    "key",
    [
        "k" * (LIMIT + 10),  # text
        '"' + "q" * (LIMIT + 10) + '"',  # quoted text
        "1." + "5" * (LIMIT + 10),  # a float: read as a number, still over the scalar limit
        "9" * (LIMIT + 10),  # digits
    ],
    ids=["plain", "quoted", "float", "digits"],
)
def test_a_key_longer_than_the_scalar_limit_is_refused(tmp_path: Path, key: str) -> None:
    manifest = tmp_path / "key.yaml"
    manifest.write_text(HEAD + f"data:\n  ? {key}\n  : v\n", encoding="utf-8")
    check = run_kgen("check", str(manifest), "--no-config", "-f", "json", "-j", "1", cwd=tmp_path)
    assert check.code == 1, check.stderr
    (finding,) = json.loads(check.stdout)["findings"]
    assert finding["rule"] == "yaml-invalid" and f"longer than {LIMIT} bytes" in finding["message"]
    assert finding["line"] == 5
    assert_bounded(check, "check", cpu=3.0, mib=120)
    diff = run_kgen("diff", str(manifest), str(manifest), cwd=tmp_path)
    assert diff.code == 2 and f"key.yaml:5:5: " in diff.stderr and f"longer than {LIMIT} bytes" in diff.stderr
    assert_bounded(diff, "diff", cpu=3.0, mib=120)


def _aliased_key_bomb(head: str, indent: str = "") -> str:
    """``x: &a {? <1 MB key>: 1}`` and 2,000 aliases of it: 2 GB of keys from 1 MB."""
    return head + f"{indent}x: &a {{? {'q' * 1_000_000}: 1}}\n" + "".join(f"{indent}y{i}: *a\n" for i in range(2_000))


def test_a_long_key_aliased_is_an_alias_bomb_in_check_and_diff(tmp_path: Path) -> None:
    manifest = tmp_path / "bomb.yaml"
    manifest.write_text(_aliased_key_bomb(HEAD + "data:\n", "  "), encoding="utf-8")
    check = run_kgen("check", str(manifest), "--no-config", "-f", "json", "-j", "1", cwd=tmp_path)
    assert check.code == 1
    (finding,) = json.loads(check.stdout)["findings"]
    assert finding["rule"] == "yaml-invalid" and "alias bomb" in finding["message"]
    assert_bounded(check, "check", cpu=2.0, mib=60)
    diff = run_kgen("diff", str(manifest), str(manifest), cwd=tmp_path)
    assert diff.code == 2 and "alias bomb" in diff.stderr
    assert_bounded(diff, "diff", cpu=2.0, mib=60)


def test_a_long_key_aliased_is_an_alias_bomb_in_a_profile(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(_aliased_key_bomb(PROFILE_HEAD + "env:\n", "  "), encoding="utf-8")
    render = run_kgen("render", str(profile), cwd=tmp_path)
    assert render.code == 2 and "alias bomb" in render.stderr and "Traceback" not in render.stderr
    assert_bounded(render, "render", cpu=2.0, mib=60)


def test_a_complex_key_is_refused_without_being_built(tmp_path: Path) -> None:
    manifest = tmp_path / "complex.yaml"
    manifest.write_text(HEAD + "data:\n  ? {a: [" + ",".join(["1"] * 200_000) + "]}\n  : v\n", encoding="utf-8")
    diff = run_kgen("diff", str(manifest), str(manifest), cwd=tmp_path)
    assert diff.code == 2 and "complex.yaml:5:5: a mapping key must be a plain value" in diff.stderr
    assert_bounded(diff, "diff", cpu=3.0, mib=150)


def test_keys_are_nodes() -> None:
    """A mapping of 1,000 keys is 2,001 nodes (the mapping, its keys, their values)."""
    text = "data:\n" + "".join(f"  k{i}: {i}\n" for i in range(1_000))
    (loaded,) = load_text(text, "keys.yaml", Limits(max_nodes=2_010))
    assert isinstance(loaded, Document)
    (refused,) = load_text(text, "keys.yaml", Limits(max_nodes=1_990))
    assert isinstance(refused, LoadError) and "more than 1990 nodes" in refused.message


def test_a_flat_list_past_the_node_limit_is_refused() -> None:
    """Scalar items are counted as they are built: a list of them cannot escape the node limit."""
    (refused,) = load_text("x: [" + ",".join(["1"] * 3_000) + "]\n", "flat.yaml", Limits(max_nodes=2_500))
    assert isinstance(refused, LoadError) and "more than 2500 nodes" in refused.message


def test_a_ten_megabyte_flat_list_is_refused_before_it_is_composed(tmp_path: Path) -> None:
    """libyaml composes a whole document (some 300 bytes a node) before kgen can count it: a
    9.8 MB list of 2,450,000 items took 1.5 GB. Its events are counted first, and dropped."""
    manifest = tmp_path / "flat.yaml"
    manifest.write_text(HEAD + "data: {a: b}\n---\nx:\n" + "- a\n" * 2_450_000, encoding="utf-8")
    assert manifest.stat().st_size < 10_000_000
    check = run_kgen("check", str(manifest), "--no-config", "-f", "json", "-j", "1", cwd=tmp_path)
    assert check.code == 1, check.stderr
    (finding,) = json.loads(check.stdout)["findings"]  # the ConfigMap before it is checked
    assert finding["rule"] == "yaml-invalid" and (finding["line"], finding["column"]) == (6, 1)
    assert "document has more than 2000000 nodes" in finding["message"]
    assert_bounded(check, "check", cpu=40.0, mib=200)
    diff = run_kgen("diff", str(manifest), str(manifest), cwd=tmp_path)
    assert diff.code == 2 and "flat.yaml:6:1: document has more than 2000000 nodes" in diff.stderr, diff.stderr
    assert_bounded(diff, "diff", cpu=40.0, mib=200)
