"""render -o DIR --check: the CI guard that committed manifests are up to date."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgen.cli import cli

from tests.conftest import REPO

PROFILE = str(REPO / "fixtures" / "profiles" / "shop-api.yaml")


def kgen(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    folder = tmp_path / "k8s"
    assert kgen("render", PROFILE, "-o", str(folder))[0] == 0
    return folder


def test_up_to_date(rendered: Path) -> None:
    before = {p.name: p.read_bytes() for p in rendered.iterdir()}
    code, out, err = kgen("render", PROFILE, "-o", str(rendered), "--check")
    assert (code, out) == (0, "")
    assert err == f"kgen: {rendered} is up to date (8 files)\n"
    assert {p.name: p.read_bytes() for p in rendered.iterdir()} == before, "--check writes nothing"


def test_stale_content_prints_the_diff(rendered: Path) -> None:
    code, out, _ = kgen("render", PROFILE, "-o", str(rendered), "--check", "--env", "prod", "--color", "never")
    assert code == 1
    assert f"  stale:   {rendered}/horizontalpodautoscaler-shop-api.yaml\n" in out
    assert "  spec.maxReplicas: 10 → 20\n  spec.minReplicas: 2 → 3\n" in out


def test_extra_file_kgen_no_longer_renders(rendered: Path) -> None:
    hpa = rendered / "horizontalpodautoscaler-shop-api.yaml"
    (rendered / "horizontalpodautoscaler-old-name.yaml").write_text(hpa.read_text().replace("name: shop-api\n  namespace", "name: old-name\n  namespace", 1))
    code, out, _ = kgen("render", PROFILE, "-o", str(rendered), "--check", "--color", "never")
    assert code == 1
    assert f"  extra:   {rendered}/horizontalpodautoscaler-old-name.yaml (kgen wrote it; no longer rendered)" in out
    assert "- autoscaling/HorizontalPodAutoscaler shop/old-name" in out


def test_missing_file(rendered: Path) -> None:
    (rendered / "service-shop-api.yaml").unlink()
    code, out, _ = kgen("render", PROFILE, "-o", str(rendered), "--check", "--color", "never")
    assert code == 1
    assert f"  missing: {rendered}/service-shop-api.yaml" in out
    assert "+ Service shop/shop-api" in out


def test_missing_folder_is_stale_not_an_error(tmp_path: Path) -> None:
    code, out, _ = kgen("render", PROFILE, "-o", str(tmp_path / "none"), "--check", "--color", "never")
    assert code == 1
    assert out.count("  missing: ") == 8
    assert not (tmp_path / "none").exists()


def test_reformatted_file_is_stale_but_the_objects_are_equal(rendered: Path) -> None:
    service = rendered / "service-shop-api.yaml"
    service.write_text(service.read_text().replace("  type: ClusterIP\n", "  type:   ClusterIP\n"))
    code, out, _ = kgen("render", PROFILE, "-o", str(rendered), "--check", "--color", "never")
    assert code == 1
    assert f"  stale:   {service}" in out
    assert "The objects are the same; the files differ only in formatting or comments." in out


def test_foreign_file_in_the_way(rendered: Path) -> None:
    (rendered / "service-shop-api.yaml").write_text("# hand-written\napiVersion: v1\nkind: Service\nmetadata: {name: shop-api, namespace: shop}\n")
    code, out, _ = kgen("render", PROFILE, "-o", str(rendered), "--check", "--color", "never")
    assert code == 1
    assert "in the way:" in out and "service-shop-api.yaml (not written by kgen" in out


def test_foreign_files_elsewhere_do_not_matter(rendered: Path) -> None:
    (rendered / "configmap-notes.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\n")
    assert kgen("render", PROFILE, "-o", str(rendered), "--check")[0] == 0


def test_check_needs_an_output_folder() -> None:
    code, _, err = kgen("render", PROFILE, "--check")
    assert code == 2
    assert "--check compares with a folder: give it with -o DIR" in err
