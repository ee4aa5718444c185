"""Exit codes are exactly STYLE.md's table for every command, and an unexpected
exception is exit 3 with one line asking for a report; the traceback only with --debug."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.support import REPO, PauseAt, invoke, run_kgen, signal_paused, start_paused

REPORT = (
    "this is a bug in kgen, please report it with the input that caused it "
    "(run again with --debug for the traceback)"
)
CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\ndata: {a: b}\n"
FINDING = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n"
PROFILE = "name: web\ntype: web\nimage: ghcr.io/acme/web:1.0\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("clean.yaml").write_text(CLEAN, encoding="utf-8")
    Path("finding.yaml").write_text(FINDING, encoding="utf-8")
    Path("p.yaml").write_text(PROFILE, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "args, code",
    [
        (("check", "clean.yaml", "--no-config"), 0),
        (("check", "finding.yaml", "--no-config"), 1),
        (("check", "finding.yaml", "--no-config", "--fail-on", "never"), 0),
        (("check", "missing.yaml", "--no-config"), 2),
        (("check", "clean.yaml", "--config", "missing.yaml"), 2),
        (("check", "clean.yaml", "--no-config", "--disable", "no-such-rule"), 2),
        (("check", "clean.yaml", "--no-config", "--format", "xml"), 2),
        (("diff", "clean.yaml", "clean.yaml"), 0),
        (("diff", "clean.yaml", "finding.yaml"), 1),
        (("diff", "clean.yaml", "finding.yaml", "--exit-code", "never"), 0),
        (("diff", "clean.yaml", "missing.yaml"), 2),
        (("diff", "-", "-"), 2),
        (("diff", "clean.yaml", "clean.yaml", "--ignore", "spec.[["), 2),
        (("render", "p.yaml"), 0),
        (("render", "p.yaml", "-o", "k8s", "--check"), 1),
        (("render", "missing.yaml"), 2),
        (("render", "clean.yaml"), 2),
        (("render", "p.yaml", "--env", "nope"), 2),
        (("render", "p.yaml", "--check"), 2),
        (("no-such-command",), 2),
    ],
)
def test_exit_codes_are_the_documented_ones(work: Path, args: tuple[str, ...], code: int) -> None:
    outcome = invoke(*args, cpu=10, mib=None)
    assert outcome.code == code, outcome.stderr
    if code == 2:
        assert outcome.stderr.strip(), "exit 2 always says why"


def test_render_check_up_to_date_is_0(work: Path) -> None:
    assert invoke("render", "p.yaml", "-o", "k8s", mib=None).code == 0
    assert invoke("render", "p.yaml", "-o", "k8s", "--check", mib=None).code == 0


def crash(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("kaput\nand a second line that must not be printed")


CORES = {
    "check": ("kgen.check.engine", "run_check", ("check", "clean.yaml", "--no-config")),
    "diff": ("kgen.diff.api", "diff_paths", ("diff", "clean.yaml", "finding.yaml")),
    "render": ("kgen.render.api", "render_paths", ("render", "p.yaml")),
}


@pytest.mark.parametrize("command", sorted(CORES))
def test_an_unexpected_exception_is_exit_3_with_one_line(
    work: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    module, name, args = CORES[command]
    monkeypatch.setattr(f"{module}.{name}", crash)
    outcome = invoke(*args, mib=None)
    assert (outcome.code, outcome.stderr) == (3, f"kgen: internal error: ValueError: kaput; {REPORT}\n")


@pytest.mark.parametrize("command", sorted(CORES))
def test_debug_shows_the_traceback(work: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    from click.testing import CliRunner

    from kgen.cli import run

    module, name, args = CORES[command]
    monkeypatch.setattr(f"{module}.{name}", crash)
    runner = CliRunner()
    with runner.isolation() as (_, err, __):
        code = run(["--debug", *args])
        sys.stderr.flush()
    stderr = err.getvalue().decode()
    assert code == 3
    assert stderr.startswith("Traceback (most recent call last):") and "ValueError: kaput" in stderr
    assert stderr.endswith(f"kgen: internal error: ValueError: kaput; {REPORT}\n")


def test_a_crashing_rule_is_a_bug_not_a_pass(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never fail open: the rule's exception is exit 3, asks for a report, --debug shows where."""
    import kgen.check.logic.replicas_single as rule

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("spec")
        yield  # pragma: no cover

    monkeypatch.setattr(rule, "check", broken)
    Path("d.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n"
        "  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: c:1}]}\n",
        encoding="utf-8",
    )
    outcome = invoke("check", "d.yaml", "--no-config", "-j", "1", mib=None)
    assert outcome.code == 3 and outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1 and outcome.stderr.endswith(f"; {REPORT}\n")
    assert "rule 'replicas-single' failed on Deployment/d in d.yaml: KeyError: 'spec'" in outcome.stderr
    from click.testing import CliRunner

    from kgen.cli import run

    with CliRunner().isolation() as (_, err, __):
        assert run(["--debug", "check", "d.yaml", "--no-config", "-j", "1"]) == 3
        sys.stderr.flush()
    assert "Traceback" in err.getvalue().decode() and "raise KeyError" in err.getvalue().decode()


@pytest.mark.parametrize(
    "error, code, message",
    [
        (KeyboardInterrupt(), 130, "kgen: interrupted\n"),
        (MemoryError(), 2, "kgen: out of memory; the input is too large for this machine\n"),
        (RecursionError(), 3, f"kgen: internal error: input nested too deeply to process; {REPORT}\n"),
    ],
)
def test_other_failures(work: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, code: int, message: str) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr("kgen.check.engine.run_check", fail)
    outcome = invoke("check", "clean.yaml", "--no-config", mib=None)
    assert (outcome.code, outcome.stderr) == (code, message)


def test_sigint_in_a_real_process_is_130(tmp_path: Path) -> None:
    """Ctrl-C while checking (stopped as it reads the second of three files): exit 130 and one line, as the table says."""
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (tmp_path / name).write_text(FINDING, encoding="utf-8")
    proc = start_paused(["check", str(tmp_path), "--no-config", "-j", "1"], PauseAt("kgen.check.engine", "read_text", nth=2))
    assert signal_paused(proc, signal.SIGINT) == (130, "kgen: interrupted\n")


def test_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    run = run_kgen("render", str(REPO / "fixtures" / "profiles"), cwd=tmp_path)
    assert run.code == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "kgen", "render", str(REPO / "fixtures" / "profiles")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.read(10)
    proc.stdout.close()  # like `kgen render ... | head -c 10`
    stderr = proc.stderr.read() if proc.stderr else b""
    assert proc.wait(timeout=60) == 0 and b"Traceback" not in stderr
