"""The composite GitHub Action (action.yml): the fields GitHub requires, kgen options that exist,
and its check step run by bash as the runner runs it (inputs as environment variables,
GITHUB_OUTPUT a file), with the working tree's kgen on PATH."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
KGEN_BIN = Path(sys.executable).parent  # the environment the tests run in holds the kgen console script

BAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  retries: 3
"""


def _step(step_id: str) -> dict[str, Any]:
    return next(step for step in STEPS if step.get("id") == step_id)


def test_the_action_has_what_github_requires_of_a_composite_action() -> None:
    assert isinstance(ACTION["name"], str) and ACTION["name"]
    assert isinstance(ACTION["description"], str) and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    assert STEPS
    for step in STEPS:
        assert ("run" in step) != ("uses" in step), step  # one or the other
        if "run" in step:
            assert step["shell"] == "bash", step  # composite run steps must name their shell
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]), step  # pinned to a major version
    for name, spec in ACTION["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name)
        assert spec["description"], name
        assert isinstance(spec.get("default", ""), str), name  # inputs are strings
    for name, spec in ACTION["outputs"].items():
        assert spec["description"] and spec["value"], name  # composite outputs need a value


def test_expressions_name_declared_inputs_and_earlier_steps_and_never_reach_a_script() -> None:
    inputs = set(ACTION["inputs"])
    seen: set[str] = set()
    for step in STEPS:
        # A script with ${{ }} in it is a script an input's text can rewrite; inputs go through env.
        assert "${{" not in step.get("run", ""), step["name"]
        texts = [str(v) for v in (step.get("env") or {}).values()]
        texts += [str(v) for v in (step.get("with") or {}).values()]
        texts += [str(step.get("if", "")), str(step.get("working-directory", ""))]
        for text in texts:
            for expression in EXPRESSION.findall(text):
                for name in re.findall(r"inputs\.([\w-]+)", expression):
                    assert name in inputs, (step["name"], name)
                for name in re.findall(r"steps\.([\w-]+)\.outputs", expression):
                    assert name in seen, (step["name"], name)
        if "id" in step:
            seen.add(step["id"])
    for spec in ACTION["outputs"].values():
        for name in re.findall(r"steps\.([\w-]+)\.outputs", spec["value"]):
            assert name in seen


def _help_options(command: str) -> tuple[set[str], dict[str, set[str]]]:
    """The options ``kgen COMMAND --help`` lists, and the choices of those that have them."""
    done = subprocess.run(
        [str(KGEN_BIN / "kgen"), command, "--help"], capture_output=True, text=True, check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    options: set[str] = set()
    choices: dict[str, set[str]] = {}
    for line in done.stdout.splitlines():
        match = re.match(r"^\s+((?:-{1,2}[\w-]+(?:, | / )?)+)\s*(\[[^\]]+\])?", line)
        if match is None:
            continue
        names = re.findall(r"-{1,2}[\w-]+", match.group(1))
        options.update(names)
        if match.group(2):
            for name in names:
                choices[name] = set(match.group(2).strip("[]").split("|"))
    return options, choices


def test_the_kgen_options_the_action_uses_exist() -> None:
    options, choices = _help_options("check")
    assert {"--format", "--fail-on", "--output", "--config"} <= options  # the parse found them
    script = _step("check")["run"]
    commands = [line.strip() for line in script.splitlines() if re.match(r"\s*kgen check ", line)]
    assert len(commands) == 2  # the annotations run and the SARIF run
    used = set()
    for command in commands:
        tokens = command.split()
        for i, token in enumerate(tokens):
            if token.startswith("-"):
                used.add(token)
                assert token in options, (token, command)
                value = tokens[i + 1] if i + 1 < len(tokens) else ""
                if token in choices and not value.startswith('"$'):
                    assert value in choices[token], (token, value)
    assert used == {"--format", "--fail-on", "--output"}
    # The options the script builds from inputs, and the inputs' defaults where kgen has choices.
    assert re.search(r'--config "\$KGEN_CONFIG"', script)
    assert re.search(r'--fail-on "\$KGEN_FAIL_ON"', script)
    assert ACTION["inputs"]["format"]["default"] in choices["--format"]
    install = _step_named("Install kgen")["run"]
    assert "kgen --version" in install and "--version" in _help_options_root()


def _step_named(name: str) -> dict[str, Any]:
    return next(step for step in STEPS if step["name"] == name)


def _help_options_root() -> set[str]:
    done = subprocess.run([str(KGEN_BIN / "kgen"), "--help"], capture_output=True, text=True, check=True)
    return set(re.findall(r"^\s+(?:-\w, )?(--[\w-]+)", done.stdout, re.M))


def _run_step(step: dict[str, Any], workdir: Path, inputs: dict[str, str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run a bash step as the runner does: its env with expressions filled in, GITHUB_OUTPUT a file."""
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    output_file = tmp_path / "github-output"
    output_file.write_text("", encoding="utf-8")

    def evaluate(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("inputs."):
                return values[expression.removeprefix("inputs.")]
            if expression == "github.action_path":
                return str(REPO)
            raise AssertionError(f"no value for {expression} in this test")

        return EXPRESSION.sub(one, text)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("KGEN_", "GITHUB_"))}
    env["PATH"] = f"{KGEN_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["GITHUB_OUTPUT"] = str(output_file)
    env.update({key: evaluate(str(value)) for key, value in (step.get("env") or {}).items()})
    # GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workdir / evaluate(step.get("working-directory", ".")),
        env=env,
        capture_output=True,
        text=True,
    )
    outputs = dict(line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines())
    return done, outputs


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    (root / "k8s").mkdir(parents=True)
    (root / "k8s" / "settings.yaml").write_text(BAD, encoding="utf-8")
    (root / "k8s" / "good.yaml").write_text(BAD.replace("retries: 3", 'retries: "3"').replace("settings", "good"), encoding="utf-8")
    return root


ANNOTATION = (
    "::error file=k8s/settings.yaml,line=6,col=3,title=schema-invalid::data.retries: 3 is read as an "
    "integer by kubectl and the API server (YAML as go-yaml v2 resolves it), not as text; quote it: "
    '"3" [ConfigMap settings]'
)


def test_the_check_step_annotates_writes_sarif_and_passes_on_kgens_exit_code(workspace: Path, tmp_path: Path) -> None:
    done, outputs = _run_step(_step("check"), workspace, {"paths": "k8s"}, tmp_path)
    assert done.returncode == 0, done.stderr  # the step itself succeeds, so the upload still runs
    assert outputs == {"exit-code": "1", "sarif-file": str(workspace / "kgen.sarif")}
    assert any(line.startswith(ANNOTATION) for line in done.stdout.splitlines()), done.stdout
    sarif = json.loads((workspace / "kgen.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("schema-invalid", 6)
    ]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("k8s/settings.yaml")
    # The last step fails the job with that code.
    result_step = _step_named("Result")
    env_value = result_step["env"]["KGEN_EXIT_CODE"]
    assert env_value == "${{ steps.check.outputs.exit-code }}"
    ended = subprocess.run(["bash", "-c", result_step["run"]], env={"KGEN_EXIT_CODE": outputs["exit-code"]})
    assert ended.returncode == 1


def test_inputs_reach_kgen(workspace: Path, tmp_path: Path) -> None:
    (workspace / "ci").mkdir()
    (workspace / "ci" / "kgen.yaml").write_text("rules:\n  schema-invalid: warning\n", encoding="utf-8")
    inputs = {
        "paths": "k8s/settings.yaml\nk8s/good.yaml",
        "fail-on": "error",
        "config": "ci/kgen.yaml",
        "args": "--disable pdb-missing",
        "sarif-file": "",
        "format": "text",
    }
    done, outputs = _run_step(_step("check"), workspace, inputs, tmp_path)
    assert done.returncode == 0, done.stderr
    # The config made the finding a warning, below fail-on error; no SARIF asked for.
    assert outputs == {"exit-code": "0", "sarif-file": ""}
    assert "k8s/settings.yaml:6:3: warning schema-invalid" in done.stdout
    assert "in 2 files" in done.stdout
    assert not (workspace / "kgen.sarif").exists()


def test_a_run_that_cannot_check_gives_exit_code_2_and_no_sarif(workspace: Path, tmp_path: Path) -> None:
    done, outputs = _run_step(_step("check"), workspace, {"paths": "no-such-folder"}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert outputs == {"exit-code": "2", "sarif-file": ""}
    assert "no-such-folder" in done.stderr
    assert not (workspace / "kgen.sarif").exists()


def test_a_glob_in_paths_expands_as_in_a_shell(workspace: Path, tmp_path: Path) -> None:
    (workspace / "k8s" / "notes.txt").write_text("not yaml\n", encoding="utf-8")
    done, outputs = _run_step(_step("check"), workspace, {"paths": "k8s/*.yaml", "format": "text", "sarif-file": ""}, tmp_path)
    assert outputs["exit-code"] == "1", done.stderr
    assert "1 error in 2 files (2 objects)" in done.stdout


def test_the_readme_table_lists_every_input_with_its_default() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w-]+)` \|\s*([^|]*?)\s*\|", readme, re.M)
    table = {name: default.strip() for name, default in rows if name in ACTION["inputs"] or name == "paths"}
    assert set(table) == set(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        default = spec.get("default", "")
        if default:
            assert table[name] == f"`{default}`", name
        else:
            assert not table[name].startswith("`"), name  # an empty default is described, not quoted
