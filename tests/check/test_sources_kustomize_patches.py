"""A folder with a kustomization: the files it lists as patches are pieces of objects, skipped and
counted, and the kustomization file itself is not a manifest (fixtures/kustomize/shop: a base, a prod
overlay with strategic merge, JSON 6902 and old-style patchesStrategicMerge patches, and a Component
with a patch of its own)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kgen.check.engine import CheckOptions, run_check
from kgen.cli import cli

from tests.check.support import write
from tests.conftest import REPO

SHOP = REPO / "fixtures" / "kustomize" / "shop"
PATCHES = {
    "overlays/prod/patches/replicas.yaml",  # patches[].path, strategic merge
    "overlays/prod/patches/image.yaml",  # patches[].path, JSON 6902 operations with a target
    "overlays/prod/patches/resources.yaml",  # patchesStrategicMerge
    "components/probes/probes.yaml",  # a Component's patches[].path
}


def test_patches_and_kustomizations_are_not_reported_as_objects() -> None:
    result = run_check(CheckOptions(paths=(str(SHOP),), discover_config=False, jobs=1))
    files = {Path(f.file).relative_to(SHOP).as_posix() for f in result.findings}
    assert files == {"base/deployment.yaml"}  # the base's resource alone (kustomize adds its selector)
    assert result.summary.skipped_kustomize_patches == len(PATCHES)
    assert result.summary.files == 3  # base/deployment.yaml, base/service.yaml, overlays/prod/serviceaccount.yaml
    assert result.summary.objects == 3


def test_the_summary_says_how_many_patches_were_skipped() -> None:
    result = CliRunner().invoke(cli, ["check", str(SHOP), "--no-config", "-j", "1"])
    assert result.output.endswith("1 error, 10 warnings, 1 info in 3 files (3 objects; skipped: 4 kustomize patches)\n")


def test_a_folder_of_patches_alone_checks_nothing_and_says_why() -> None:
    result = CliRunner().invoke(cli, ["check", str(SHOP / "overlays" / "prod" / "patches"), "--no-config"])
    assert result.exit_code == 0
    assert result.output == (
        "nothing checked: 3 kustomize patches skipped, and no other manifest file "
        "(check what the kustomization builds with --kustomize DIR)\n"
    )


def test_a_patch_named_on_the_command_line_is_known_by_the_kustomization_above_it() -> None:
    result = CliRunner().invoke(cli, ["check", str(SHOP / "components" / "probes" / "probes.yaml"), "--no-config"])
    assert (result.exit_code, result.output) == (
        0,
        "nothing checked: 1 kustomize patch skipped, and no other manifest file "
        "(check what the kustomization builds with --kustomize DIR)\n",
    )


def test_a_patch_outside_the_kustomizations_folder_is_known_when_the_kustomization_is_checked(tmp_path: Path) -> None:
    (tmp_path / "prod").mkdir()
    (tmp_path / "common").mkdir()
    write(tmp_path, "resources: [../base]\npatches:\n  - path: ../common/replicas.yaml\n", "prod/kustomization.yaml")
    write(tmp_path, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n", "common/replicas.yaml")
    result = run_check(CheckOptions(paths=(str(tmp_path),), discover_config=False, jobs=1))
    assert (result.findings, result.summary.skipped_kustomize_patches, result.summary.files) == ((), 1, 0)


def test_kustomization_file_names_and_inline_patches(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path, "patchesJson6902:\n  - target: {kind: Deployment, name: web}\n    path: ops.yaml\n", "a/kustomization.yml")
    write(tmp_path, "- op: remove\n  path: /spec/replicas\n", "a/ops.yaml")
    # `Kustomization` (no extension) is a name kustomize reads too; an inline patch names no file
    write(tmp_path, "patchesStrategicMerge:\n  - |-\n    apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n", "b/Kustomization")
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: 'a:1'}]\n"
    write(tmp_path, pod, "b/pod.yaml")
    result = run_check(CheckOptions(paths=(str(tmp_path), str(tmp_path / "b" / "Kustomization")), discover_config=False, jobs=1))
    assert result.summary.skipped_kustomize_patches == 1
    assert {Path(f.file).name for f in result.findings} == {"pod.yaml"}  # checked: it is no patch


def test_a_kustomization_alone_is_not_a_manifest(tmp_path: Path) -> None:
    path = write(tmp_path, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n", "kustomization.yaml")
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False, jobs=1, strict=True))
    assert (result.findings, result.summary.files) == ((), 0)  # it used to be api-rejected (no metadata.name)


def test_a_kustomization_kgen_cannot_read_lists_no_patches(tmp_path: Path) -> None:
    write(tmp_path, "patches: [path: {\n", "kustomization.yaml")  # not YAML
    write(tmp_path, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n", "patch.yaml")
    result = run_check(CheckOptions(paths=(str(tmp_path),), discover_config=False, jobs=1))
    assert result.summary.skipped_kustomize_patches == 0
    assert {Path(f.file).name for f in result.findings} == {"patch.yaml"}
