"""kgen completion: the script click generates, and completions answered by the installed console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import BashComplete, FishComplete, ZshComplete

from kgen.cli import cli, run

KGEN = Path(sys.executable).parent / "kgen"  # the console script of the environment the tests run in


def _kgen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("COMP_WORDS", "COMP_CWORD", "_KGEN_COMPLETE")}
    return subprocess.run([str(KGEN), *args], env={**clean, **(env or {})}, capture_output=True, text=True)


@pytest.mark.parametrize("shell, cls", [("bash", BashComplete), ("zsh", ZshComplete), ("fish", FishComplete)])
def test_the_script_is_what_click_generates_for_kgen(shell: str, cls: type[BashComplete]) -> None:
    done = _kgen("completion", shell)
    assert done.returncode == 0, done.stderr
    assert done.stdout == cls(cli, {}, "kgen", "_KGEN_COMPLETE").source()


def test_the_bash_script_asks_kgen_with_the_right_variable() -> None:
    script = _kgen("completion", "bash").stdout
    assert "_KGEN_COMPLETE=bash_complete $1" in script
    assert script.rstrip("\n").splitlines()[-1] == "_kgen_completion_setup;"
    assert "complete -o nosort -F _kgen_completion kgen" in script


def _complete(words: str, cword: int) -> list[str]:
    done = _kgen(env={"COMP_WORDS": words, "COMP_CWORD": str(cword), "_KGEN_COMPLETE": "bash_complete"})
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_completing_a_command_name() -> None:
    assert _complete("kgen ch", 1) == ["plain,check"]
    assert _complete("kgen co", 1) == ["plain,completion"]
    assert _complete("kgen", 1) == [f"plain,{name}" for name in cli.list_commands(None)]  # type: ignore[arg-type]


def test_completing_options_and_their_choices() -> None:
    assert _complete("kgen check --fa", 2) == ["plain,--fail-on"]
    assert _complete("kgen check k8s/ --fail-on ", 4) == ["plain,error", "plain,warning", "plain,info", "plain,never"]
    assert _complete("kgen completion ", 2) == ["plain,bash", "plain,zsh", "plain,fish"]


def test_completing_in_bash_itself(tmp_path: Path) -> None:
    # The printed script sourced into a real bash, its completion function called as bash
    # calls it on <TAB>: what it puts in COMPREPLY.
    bash = shutil.which("bash")
    assert bash is not None
    script = tmp_path / "kgen-completion.bash"
    script.write_text(_kgen("completion", "bash").stdout, encoding="utf-8")
    probe = f"""
source {script}
complete -p kgen
COMP_WORDS=(kgen ch); COMP_CWORD=1
_kgen_completion kgen ch kgen
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {**os.environ, "PATH": f"{KGEN.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([bash, "--norc", "--noprofile", "-c", probe], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["complete -o nosort -F _kgen_completion kgen", "check"]


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["completion", "tcsh"]) == 2
    err = capsys.readouterr().err
    assert "Invalid value for 'SHELL': 'tcsh' is not one of 'bash', 'zsh', 'fish'." in err
