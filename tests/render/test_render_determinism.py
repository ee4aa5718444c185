"""Byte-identical output whatever the hash seed; valid for every Kubernetes version shipped;
the fixtures' output checks clean with kgen check (no finding at any severity)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kgen.model.kubeschema import available_versions
from kgen.render.api import RenderOptions, render_paths

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "fixtures" / "profiles"


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "kgen", "render", str(PROFILES)],
            capture_output=True,
            env=env,
            cwd=tmp_path,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    (output,) = outputs
    assert output.startswith(b"---\napiVersion: ")
    assert output.count(b"---\napiVersion: ") == output.count(b"\nkind: ") == 57


def test_output_does_not_depend_on_the_working_directory(
    kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = kgen("render", str(PROFILES / "shop-api.yaml")).stdout
    monkeypatch.chdir(tmp_path)
    assert kgen("render", str(PROFILES / "shop-api.yaml")).stdout == here


def test_folder_renders_every_profile(kgen) -> None:
    apps = render_paths(RenderOptions((str(PROFILES),))).apps
    assert apps == (
        "config-store",
        "shop-migrate",
        "invoice-export",
        "orders-db",
        "checkout",
        "nightly-report",
        "payments-api",
        "shop-api",
        "storefront",
        "storefront-sitemap",
    )


@pytest.mark.parametrize("version", available_versions())
def test_fixtures_validate_for_every_kubernetes_version(version: str) -> None:
    result = render_paths(RenderOptions((str(PROFILES),), kubernetes_version=version))
    assert result.kubernetes_version == version
    assert len(result.objects) == 57


def test_fixture_output_checks_clean(tmp_path: Path) -> None:
    from kgen.check.engine import CheckOptions, run_check
    from kgen.render.api import write_output_dir

    for env in (None, "prod", "dev", "staging"):
        folder = tmp_path / (env or "base")
        paths = [p for p in sorted(PROFILES.glob("*.yaml")) if env is None or f"\n  {env}:" in p.read_text()]
        result = render_paths(RenderOptions(tuple(map(str, paths)), env=env))
        write_output_dir(result, str(folder))
        checked = run_check(CheckOptions(paths=(str(folder),), discover_config=False, fail_on="info"))
        assert [f"{f.file}: {f.rule}: {f.message}" for f in checked.active] == []
        assert checked.summary.objects == len(result.objects)
