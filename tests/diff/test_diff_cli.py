"""kgen diff on the command line: exit codes, formats, stdin, colour, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgen.cli import cli, run

CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {mode: fast}\n"
RISKLESS = CONFIG.replace("fast", "safe")
REMOVED = ""  # removing the object: a change with a risk note


@pytest.fixture
def sides(tmp_path: Path) -> dict[str, str]:
    files = {"old": CONFIG, "same": CONFIG, "riskless": RISKLESS, "removed": REMOVED}
    paths = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return paths


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", *args], input=stdin, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "new, exit_when, code",
    [
        ("same", "changes", 0),
        ("riskless", "changes", 1),
        ("removed", "changes", 1),
        ("same", "risks", 0),
        ("riskless", "risks", 0),
        ("removed", "risks", 1),
        ("riskless", "never", 0),
        ("removed", "never", 0),
    ],
)
def test_exit_codes(sides: dict[str, str], new: str, exit_when: str, code: int) -> None:
    assert invoke(sides["old"], sides[new], "--exit-code", exit_when)[0] == code


def test_the_default_is_exit_1_on_changes_and_text_output(sides: dict[str, str]) -> None:
    code, output = invoke(sides["old"], sides["riskless"])
    assert code == 1
    assert output == (
        f"~ ConfigMap app  ({sides['riskless']}:1)\n"
        "  data.mode: fast → safe\n"
        "\n"
        "1 changed, 0 added, 0 removed, 0 unchanged; 0 risk notes.\n"
    )


def test_no_changes(sides: dict[str, str]) -> None:
    assert invoke(sides["old"], sides["same"]) == (0, "No changes (1 object compared).\n")


@pytest.mark.parametrize("position", ["old", "new"])
def test_either_side_can_be_stdin(sides: dict[str, str], position: str) -> None:
    args = ["-", sides["riskless"]] if position == "old" else [sides["riskless"], "-"]
    code, output = invoke(*args, "--format", "json", stdin=CONFIG)
    assert code == 1
    (obj,) = json.loads(output)["objects"]
    source = obj["source"][position]
    assert source == "<stdin>:1:1"


def test_folders_are_read_recursively(tmp_path: Path) -> None:
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep" / "x.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "b" / "y.yml").write_text(CONFIG, encoding="utf-8")
    assert invoke(str(tmp_path / "a"), str(tmp_path / "b"))[0] == 0


def test_markdown_and_json_formats(sides: dict[str, str]) -> None:
    code, output = invoke(sides["old"], sides["removed"], "-f", "markdown")
    assert code == 1 and output.startswith("### kgen diff\n")
    code, output = invoke(sides["old"], sides["removed"], "--format", "json")
    assert json.loads(output)["objects"][0]["risks"][0]["code"] == "object-removed"


def test_ignore_is_repeatable(sides: dict[str, str]) -> None:
    assert invoke(sides["old"], sides["riskless"], "--ignore", "data", "--ignore", "metadata.labels")[0] == 0


def test_colour(sides: dict[str, str]) -> None:
    assert "\x1b[" in invoke(sides["old"], sides["riskless"], "--color", "always")[1]
    assert "\x1b[" not in invoke(sides["old"], sides["riskless"], "--color", "never")[1]
    # auto: CliRunner's stdout is not a terminal
    assert "\x1b[" not in invoke(sides["old"], sides["riskless"])[1]


def test_colour_auto_follows_the_terminal_and_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from kgen.cli import diff as diff_cli

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert diff_cli._terminal()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not diff_cli._terminal()


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.yaml", "{same}"], "kgen: no such file or directory: missing.yaml"),
        (["-", "-"], "kgen: only one side can be read from stdin (-)"),
        (["{bad}", "{same}"], "kgen: {bad}:2:1: not valid YAML"),
        (["{dup}", "{same}"], "kgen: {dup}:6:1: ConfigMap app is defined twice in one file on the old side (first at {dup}:1:1)"),
        (["{same}", "{same}", "--ignore", "a..b"], "kgen: --ignore 'a..b' is not a field path"),
    ],
)
def test_could_not_run_is_exit_2(
    args: list[str], message: str, sides: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    dup = tmp_path / "dup.yaml"
    dup.write_text(CONFIG + "---\n" + CONFIG, encoding="utf-8")
    names = {"same": sides["same"], "bad": str(bad), "dup": str(dup)}
    assert run(["diff", *(arg.format(**names) for arg in args)]) == 2
    assert capsys.readouterr().err.startswith(message.format(**names))


def test_help_documents_the_exit_codes() -> None:
    code, output = invoke("--help")
    assert code == 0
    assert "Exit codes:" in output and "--exit-code" in output and "--ignore PATH" in output


def test_the_cli_does_not_import_deepdiff_until_diff_runs() -> None:
    code = "import sys, kgen.cli, kgen.diff.api; assert 'deepdiff' not in sys.modules, 'deepdiff imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
