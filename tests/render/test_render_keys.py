"""Keys of free-form maps in a profile (env names, label keys) are text as written."""

from __future__ import annotations

from pathlib import Path

from tests.render.test_render_quoting import BASE, kgen_process


def test_a_number_key_keeps_its_digits(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(BASE + "labels:\n  1.10: v\n  010: w\n", encoding="utf-8")
    done = kgen_process(tmp_path, "render", "p.yaml")
    assert done.returncode == 0, done.stderr
    assert "    '1.10': v\n" in done.stdout and "    '010': w\n" in done.stdout
    assert "'1.1'" not in done.stdout and "'8'" not in done.stdout


def test_a_boolean_key_is_refused_with_the_quoting_hint(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(BASE + "env:\n  LOG: info\n  N: '1'\n", encoding="utf-8")
    out = tmp_path / "k8s"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n", encoding="utf-8")
    done = kgen_process(tmp_path, "render", "p.yaml", "-o", "k8s")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "kgen: p.yaml:6:3: env.false: the key 'N' is read as 'false', but this name is text; quote it: \"N\"\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
