"""The command line as users run it: real processes, pipes, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from kgen import __version__
from kgen.cli import cli

from tests.conftest import REPO

PYTHON = [sys.executable, "-m", "kgen"]


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PYTHON, *args], input=input, capture_output=True, text=True, cwd=REPO, timeout=60)


def test_render_pipes_into_check_clean() -> None:
    for profile in sorted((REPO / "fixtures" / "profiles").glob("*.yaml")):
        rendered = run("render", str(profile))
        assert rendered.returncode == 0, rendered.stderr
        checked = run("check", "-", "--no-config", "--fail-on", "info", input=rendered.stdout)
        assert (checked.returncode, checked.stderr) == (0, ""), f"{profile.name}: {checked.stdout}"
        assert checked.stdout.startswith("no problems found in ")


def test_version_and_module_entry_point() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"kgen {__version__}\n")


@pytest.mark.parametrize("command", ["render", "check", "diff", "rules", "explain", "presets"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"kgen {command}" in result.stdout


def test_check_imports_only_what_it_needs() -> None:
    code = (
        "import sys; from kgen.cli import run; run(['check', 'fixtures/manifests/deployment.yaml', '--no-config']);"
        "print(sorted(m for m in ('deepdiff', 'ruamel', 'ruamel.yaml', 'kgen.diff.api', 'kgen.render.api') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_command_is_a_usage_error() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "No such command 'frobnicate'" in result.stderr
