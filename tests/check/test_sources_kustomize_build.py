"""``kgen check --kustomize DIR``: the build is checked, and each finding names the resource file its
object was written in, and the line of its field there.

The builds come from a recorded ``kustomize``: fixtures/kustomize/recorded/ holds what ``kubectl
kustomize`` (kustomize v5.5.0) printed for fixtures/kustomize/shop/overlays/prod, as it is and
wrapped with ``buildMetadata: [originAnnotations]`` (paths to the tree written @ROOT@), so these
tests run where neither kustomize nor kubectl is installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import CheckResult
from kgen.cli import cli

from tests.conftest import REPO

DIR = "fixtures/kustomize/shop/overlays/prod"
RECORDED = REPO / "fixtures" / "kustomize" / "recorded"
BUILT = (RECORDED / "prod.out").read_text(encoding="utf-8")
NAME = f"<kustomize build {DIR}>"
BASE = "fixtures/kustomize/shop/base/deployment.yaml"

FAKE = '''#!{python}
import json, os, pathlib, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps([pathlib.Path(sys.argv[0]).name, *args[:-1]]) + "\\n")
folder = pathlib.Path(args[-1])
text = (folder / "kustomization.yaml").read_text() if (folder / "kustomization.yaml").exists() else ""
recorded = pathlib.Path({recorded!r})
if "buildMetadata" in text:
    if os.environ.get("FAKE_OLD"):
        sys.stderr.write('Error: invalid Kustomization: json: unknown field "buildMetadata"\\n')
        sys.exit(1)
    target = [line[2:] for line in text.splitlines() if line.startswith("- ")][0]
    root = target.removesuffix("/overlays/prod")
    sys.stdout.write((recorded / "prod-origins.out").read_text().replace("@ROOT@", root))
elif os.environ.get("FAKE_BROKEN"):
    sys.stderr.write("# Warning: 'patchesStrategicMerge' is deprecated.\\n")
    sys.stderr.write("Error: accumulating resources: accumulation err='missing.yaml': no such file\\n")
    sys.exit(1)
else:
    sys.stdout.write((recorded / "prod.out").read_text())
'''


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty PATH folder to put fake tools in; the working folder is the repository."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "calls.log"))
    monkeypatch.chdir(REPO)
    return folder


def install(folder: Path, name: str) -> None:
    script = folder / name
    script.write_text(FAKE.format(python=sys.executable, recorded=str(RECORDED)), encoding="utf-8")
    script.chmod(0o755)


def calls(tools: Path) -> list[list[str]]:
    return [json.loads(line) for line in (tools.parent / "calls.log").read_text().splitlines()]


def check(**options: object) -> CheckResult:
    return run_check(CheckOptions(paths=(), kustomize=(DIR,), discover_config=False, jobs=1, **options))  # type: ignore[arg-type]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_findings_name_the_build_and_the_resource_file_line(tools: Path) -> None:
    install(tools, "kustomize")
    result = check()
    base = (REPO / BASE).read_text(encoding="utf-8")
    image = [f for f in result.findings if f.rule == "image-tag-mutable"]
    assert [(f.file, f.line, f.column, f.origin, f.origin_line, f.origin_rendered) for f in image] == [
        (NAME, line_of(BUILT, "image: registry.example.com/shop/web:latest"), 9, BASE, line_of(base, "image:"), False)
    ]
    root = [f for f in result.findings if f.rule == "run-as-root"]
    assert [(f.line, f.origin, f.origin_line) for f in root] == [
        (line_of(BUILT, "securityContext:"), BASE, line_of(base, "securityContext:"))
    ]
    assert {f.origin for f in result.findings} == {BASE}  # the Service, ConfigMap and ServiceAccount check clean
    assert result.summary.objects == 4 and result.summary.files == 1


def test_a_field_a_patch_adds_points_at_its_nearest_parent_in_the_resource(tools: Path) -> None:
    install(tools, "kustomize")
    result = check()
    base = (REPO / BASE).read_text(encoding="utf-8")
    [spread] = [f for f in result.findings if f.rule == "spread-missing"]  # the pod spec: 3 replicas from a patch
    assert (spread.origin, spread.origin_line) == (BASE, line_of(base, "    spec:"))


def test_kustomize_is_asked_for_the_build_and_for_origins_without_touching_the_tree(tools: Path) -> None:
    install(tools, "kustomize")
    install(tools, "kubectl")
    check()
    assert calls(tools) == [["kustomize", "build"], ["kustomize", "build"]]  # kustomize preferred to kubectl
    assert sorted(p.name for p in (REPO / DIR).iterdir()) == ["kustomization.yaml", "patches", "serviceaccount.yaml"]


def test_kubectl_kustomize_when_kustomize_is_not_installed(tools: Path) -> None:
    install(tools, "kubectl")
    result = check()
    assert calls(tools) == [["kubectl", "kustomize"], ["kubectl", "kustomize"]]
    assert {f.origin for f in result.findings} == {BASE}


def test_the_text_format_names_both(tools: Path) -> None:
    install(tools, "kustomize")
    result = CliRunner().invoke(cli, ["check", "--kustomize", DIR, "--no-config"])
    assert result.exit_code == 1
    line = line_of(BUILT, "image: registry.example.com/shop/web:latest")
    expected = (
        f"{NAME}:{line}:9: warning image-tag-mutable container \"web\" image registry.example.com/shop/web:latest "
        "uses the moving tag :latest;"
    )
    [head] = [l for l in result.output.splitlines() if "image-tag-mutable" in l]
    assert head.startswith(expected)
    assert head.endswith(f"[Deployment shop/web, container web] (from {BASE}:13)")
    assert result.output.endswith("8 warnings, 2 info in 1 file (4 objects)\n")


def test_neither_tool_on_path_is_a_clear_exit_2(tools: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--kustomize", DIR, "--no-config"])
    assert result.exit_code == 2
    assert "--kustomize needs kustomize or kubectl on PATH to build the kustomization; neither was found" in result.output
    assert "Traceback" not in result.output


def test_a_failed_build_is_exit_2_with_what_kustomize_said(tools: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(tools, "kustomize")
    monkeypatch.setenv("FAKE_BROKEN", "1")
    result = CliRunner().invoke(cli, ["check", "--kustomize", DIR, "--no-config"])
    assert result.exit_code == 2
    assert (
        f"--kustomize {DIR}: kustomize build failed: Error: accumulating resources: accumulation err='missing.yaml': no such file"
        in result.output
    )


def test_a_kustomize_without_build_metadata_still_checks_the_build(tools: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(tools, "kustomize")
    monkeypatch.setenv("FAKE_OLD", "1")
    result = check()
    assert len(result.findings) == 10
    assert {(f.origin, f.origin_line) for f in result.findings} == {("", 0)}


def test_a_folder_that_is_no_kustomization(tools: Path) -> None:
    install(tools, "kustomize")
    for folder, says in (
        ("fixtures/helm", "--kustomize fixtures/helm: no kustomization.yaml, kustomization.yml or Kustomization in it"),
        ("fixtures/nowhere", "--kustomize fixtures/nowhere: no such folder"),
    ):
        result = CliRunner().invoke(cli, ["check", "--kustomize", folder, "--no-config"])
        assert (result.exit_code, says in result.output) == (2, True)


def test_a_build_and_paths_in_one_run(tools: Path) -> None:
    install(tools, "kustomize")
    result = run_check(
        CheckOptions(paths=("fixtures/helm/shop-template.yaml",), kustomize=(DIR,), discover_config=False, jobs=2)
    )
    assert {f.file for f in result.findings} == {NAME, "fixtures/helm/shop-template.yaml"}
    assert result.summary.files == 2
    assert all(f.origin for f in result.findings)


def test_no_paths_and_no_kustomize_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...' (or --kustomize DIR)." in result.output
