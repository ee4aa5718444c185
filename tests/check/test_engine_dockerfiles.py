"""Dockerfiles through kgen check: which files are read as Dockerfiles, Dockerfile rules run like any
other (severity, config, exemptions, # kgen:ignore, worker processes), dockerfile-invalid."""

from __future__ import annotations

import json
import os
import sys
import time
import types
from pathlib import Path
from typing import Any, Iterator, Mapping

import pytest
from click.testing import CliRunner

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import CheckResult, ObjectRef
from kgen.cli import cli
from kgen.errors import ConfigError, InputError
from kgen.load.discover import discover
from kgen.load.dockerfile import Dockerfile

STUB = "stub_dockerfile_add"


def _add_instructions(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    """A stand-in rule: every ADD, at its keyword; an ADD of a URL at error severity."""
    for instruction in dockerfile.instructions:
        if instruction.keyword == "ADD":
            url = any(arg.startswith("https://") for arg in instruction.args)
            yield DockerfileProblem.at(instruction, f"ADD {params['word']}", "error" if url else None)


POLICY = """\
id: stub-dockerfile-add
severity: warning
title: ADD used
description: Every ADD.
rationale: COPY says what it does.
remediation: Use COPY.
target: Dockerfile
logic: stub_dockerfile_add
params:
  word:
    type: string
    default: found
    description: The word in the message.
examples:
  fail: |
    FROM alpine:3.20
    ADD a /a
  pass: |
    FROM alpine:3.20
    COPY a /a
"""


@pytest.fixture
def policies(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    module = types.ModuleType(f"kgen.check.logic.{STUB}")
    module.check_dockerfile = _add_instructions  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, f"kgen.check.logic.{STUB}", module)
    folder = tmp_path_factory.mktemp("policies")  # outside the folder a test checks
    (folder / "stub-dockerfile-add.yaml").write_text(POLICY)
    return folder


def _check(paths: list[Path], policies: Path | None = None, **options: Any) -> CheckResult:
    dirs = (policies,) if policies is not None else ()
    return run_check(CheckOptions(paths=tuple(map(str, paths)), discover_config=False, policy_dirs=dirs, **options))


def _found(result: CheckResult, rule: str) -> list[tuple[str, int, int, str, str]]:
    return [(Path(f.file).name, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == rule]


DOCKERFILE = "FROM alpine:3.20 AS build\nADD a /a\nFROM scratch\n  ADD https://example.com/x /x\n"


def test_a_dockerfile_rule_runs_at_the_instruction_with_its_severity_and_object(tmp_path: Path, policies: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    result = _check([tmp_path], policies)
    findings = [f for f in result.findings if f.rule == "stub-dockerfile-add"]
    assert [(f.line, f.column, f.severity, f.message, f.object) for f in findings] == [
        (2, 1, "warning", "ADD found", ObjectRef(kind="Dockerfile", name="build")),
        (4, 3, "error", "ADD found", ObjectRef(kind="Dockerfile", name="1")),  # an unnamed stage: its index
    ]
    assert findings[0].remediation == "Use COPY."
    assert result.summary.files == 1 and result.summary.dockerfiles == 1 and result.summary.objects == 0


def test_config_severity_and_params_apply(tmp_path: Path, policies: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    config = tmp_path / "kgen.yaml"
    config.write_text("rules:\n  stub-dockerfile-add:\n    severity: info\n    params: {word: here}\n")
    result = _check([tmp_path / "Dockerfile"], policies, config_path=config)
    # the config's severity wins over the rule's case-dependent one
    assert [f[1:] for f in _found(result, "stub-dockerfile-add")] == [(2, 1, "info", "ADD here"), (4, 3, "info", "ADD here")]
    config.write_text("rules:\n  stub-dockerfile-add: off\n")
    assert _found(_check([tmp_path / "Dockerfile"], policies, config_path=config), "stub-dockerfile-add") == []


def test_kgen_ignore_on_the_line_before_an_instruction_suppresses_it_whole(tmp_path: Path, policies: Path) -> None:
    text = (
        "FROM alpine:3.20\n"
        "# kgen:ignore stub-dockerfile-add the archive is unpacked on purpose\n"
        "ADD a /a\n"
        "ADD b /b\n"
    )
    (tmp_path / "Dockerfile").write_text(text)
    findings = [f for f in _check([tmp_path], policies).findings if f.rule == "stub-dockerfile-add"]
    assert [(f.line, f.suppressed, f.suppressed_by) for f in findings] == [
        (3, True, f"comment kgen:ignore at {tmp_path / 'Dockerfile'}:2: the archive is unpacked on purpose"),
        (4, False, ""),
    ]
    result = _check([tmp_path], policies, inline_suppressions=False)
    assert [f.suppressed for f in result.findings if f.rule == "stub-dockerfile-add"] == [False, False]


def test_kgen_ignore_covers_the_continuation_lines_of_the_instruction(tmp_path: Path) -> None:
    text = "FROM alpine:3.20\n# kgen:ignore dockerfile-invalid reason given\nRUNN a \\\n  b\nRUNN c\n"
    (tmp_path / "Dockerfile").write_text(text)
    findings = [f for f in _check([tmp_path]).findings if f.rule == "dockerfile-invalid"]
    assert [(f.line, f.suppressed) for f in findings] == [(3, True), (5, False)]


def test_an_ignore_comment_naming_an_unknown_rule_is_reported_in_a_dockerfile(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n# kgen:ignore dockerfile-nope why\nRUN a\n")
    findings = [f for f in _check([tmp_path]).findings if not f.rule.startswith("dockerfile-")]
    assert [(f.rule, f.line, f.column) for f in findings] == [("ignore-unknown-rule", 2, 15)]


def test_exemptions_match_dockerfile_findings_by_kind_and_stage(tmp_path: Path, policies: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    config = tmp_path / "kgen.yaml"
    config.write_text(
        "exemptions:\n  - {rule: stub-dockerfile-add, kind: Dockerfile, name: build, reason: the build stage is thrown away}\n"
    )
    findings = [f for f in _check([tmp_path / "Dockerfile"], policies, config_path=config).findings if f.rule == "stub-dockerfile-add"]
    assert [(f.line, f.suppressed) for f in findings] == [(2, True), (4, False)]
    assert findings[0].suppressed_by == f"exemption {config}:2: the build stage is thrown away"


@pytest.mark.parametrize(
    ("name", "dockerfile"),
    [
        ("Dockerfile", True),
        ("Containerfile", True),
        ("api.Dockerfile", True),
        ("Dockerfile.prod", True),
        ("dockerfile", True),
        ("Dockerfile.yaml", False),  # a manifest
        ("Dockerfile.dockerignore", False),  # BuildKit's ignore file for that Dockerfile
        ("Dockerfiles", False),
        ("notes.txt", False),
    ],
)
def test_which_files_in_a_folder_are_read_as_dockerfiles(tmp_path: Path, name: str, dockerfile: bool) -> None:
    (tmp_path / name).write_text("FROM alpine:3.20\n")
    found = [(Path(s.name).name, s.dockerfile) for s in discover([str(tmp_path)], dockerfiles=True)]
    expected = [(name, True)] if dockerfile else [(name, False)] if name.endswith(".yaml") else []
    assert found == expected
    assert [s.dockerfile for s in discover([str(tmp_path / name)], dockerfiles=True)] == [dockerfile]


def test_discovery_without_dockerfiles_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "a.yaml").write_text("a: 1\n")
    assert [(Path(s.name).name, s.dockerfile) for s in discover([str(tmp_path)])] == [("a.yaml", False)]


def test_dockerfile_option_reads_any_name_once(tmp_path: Path, policies: Path) -> None:
    odd = tmp_path / "build.docker"
    odd.write_text("FROM alpine:3.20\nADD a /a\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nADD b /b\n")
    result = _check([tmp_path], policies, dockerfiles=(str(odd), str(tmp_path / "Dockerfile")))
    assert [(f[0], f[1]) for f in _found(result, "stub-dockerfile-add")] == [("Dockerfile", 2), ("build.docker", 2)]
    assert result.summary.files == 2
    with pytest.raises(InputError, match="--dockerfile .*missing: no such file"):
        _check([], dockerfiles=(str(tmp_path / "missing"),))
    os.mkfifo(tmp_path / "pipe")  # named for what it is, never opened (a FIFO would wait for a writer)
    with pytest.raises(InputError, match=r"--dockerfile .*pipe: a FIFO \(named pipe\)$"):
        _check([], dockerfiles=(str(tmp_path / "pipe"),))
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError, match="--dockerfile .*gone: a broken symbolic link$"):
        _check([], dockerfiles=(str(tmp_path / "gone"),))
    with pytest.raises(InputError, match="--dockerfile .*: a directory; name the Dockerfile itself$"):
        _check([], dockerfiles=(str(tmp_path),))


def test_dockerfile_findings_are_identical_in_worker_processes(tmp_path: Path, policies: Path) -> None:
    for number in range(70):  # past the number of files below which no worker starts
        folder = tmp_path / "tree" / f"svc{number:02d}"
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text(DOCKERFILE if number % 2 else "FROM alpine:3.20\nRUNN x\n")
        (folder / "cm.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{number}}}\n")
    one = _check([tmp_path / "tree"], policies, jobs=1)
    two = _check([tmp_path / "tree"], policies, jobs=2)
    assert one.findings == two.findings
    assert len([f for f in one.findings if f.rule == "stub-dockerfile-add"]) == 70
    assert len([f for f in one.findings if f.rule == "dockerfile-invalid"]) == 35
    assert (one.summary.dockerfiles, two.summary.dockerfiles, one.summary.objects) == (70, 70, 70)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FROM alpine:3.20\nRUNN x\n", [(2, 1, "unknown instruction RUNN: BuildKit refuses the Dockerfile")]),
        (
            "RUN x\nFROM alpine:3.20\n",
            [(1, 1, "RUN before the first FROM: only ARG may come before it (BuildKit refuses the Dockerfile)")],
        ),
        ("ARG V=1\n", [(1, 1, "no FROM instruction: the Dockerfile has no stage to build")]),
        ("", [(1, 1, "not a valid Dockerfile: file with no instructions")]),
        ("\ufeffFROM alpine:3.20\r\nRUN a \\\r\n  b\r\n", []),  # a BOM and CRLF are what BuildKit reads too
        ("FROM alpine:3.20\nRUN <<EOF\necho hi\n", [(2, 5, "not a valid Dockerfile: unterminated heredoc")]),
        (
            "FROM alpine:3.20\nRUN <<-'A' cat <<B\n\tx\n\tA\ny\n",  # the first ends (<<- strips tabs), the second does not
            [(2, 16, "not a valid Dockerfile: unterminated heredoc")],
        ),
    ],
)
def test_dockerfile_invalid(tmp_path: Path, text: str, expected: list[tuple[int, int, str]]) -> None:
    (tmp_path / "Dockerfile").write_bytes(text.encode("utf-8"))
    assert [f[1:3] + (f[4],) for f in _found(_check([tmp_path]), "dockerfile-invalid")] == expected


def test_bounded_time_for_long_lines_and_long_instructions(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN echo " + "a" * 10_000_000 + "\n")
    (tmp_path / "api.Dockerfile").write_text("FROM alpine:3.20\nRUN a \\\n" + "  b \\\n# c\n" * 6000 + "  d\n")
    (tmp_path / "ok.Dockerfile").write_text("FROM alpine:3.20\nRUN a \\\n" + "  b \\\n" * 9000 + "  d\n")
    started = time.monotonic()
    found = _found(_check([tmp_path]), "dockerfile-invalid")
    assert time.monotonic() - started < 10
    assert found == [
        ("Dockerfile", 1, 1, "error", "not a valid Dockerfile: dockerfile line greater than max allowed size of 65535"),
        ("api.Dockerfile", 2, 1, "error", "an instruction continued over more than 10,000 lines: not a Dockerfile kgen reads"),
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x7fELF\x00\x01\x02", "binary file (contains NUL bytes), not a Dockerfile"),
        (b"FROM alpine\n\xff\xfe\xfa", "not UTF-8 text (byte 0xff)"),
    ],
)
def test_a_binary_file_named_dockerfile_is_dockerfile_invalid(tmp_path: Path, raw: bytes, message: str) -> None:
    (tmp_path / "Dockerfile").write_bytes(raw)
    result = _check([tmp_path])
    assert [(f.rule, f.message) for f in result.findings] == [("dockerfile-invalid", message)]
    assert result.summary.dockerfiles == 0


def test_a_dockerfile_policy_names_no_kinds(tmp_path: Path, policies: Path) -> None:
    (policies / "stub-dockerfile-add.yaml").write_text(POLICY.replace("target: Dockerfile\n", "target: Dockerfile\nkinds: [Pod]\n"))
    with pytest.raises(ConfigError, match="a Dockerfile rule has no kinds"):
        _check([tmp_path], policies)


def test_a_dockerfile_policy_logic_needs_check_dockerfile(tmp_path: Path, policies: Path) -> None:
    module = sys.modules[f"kgen.check.logic.{STUB}"]
    del module.check_dockerfile  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match=r"has no check_dockerfile\(\) function"):
        _check([tmp_path], policies)


def test_cli_text_json_and_dockerfile_option(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUNN x\n")
    runner = CliRunner()
    text = runner.invoke(cli, ["check", "--no-config", str(tmp_path)])
    assert text.exit_code == 1
    assert f"{tmp_path / 'Dockerfile'}:2:1: error dockerfile-invalid unknown instruction RUNN" in text.output
    assert text.output.splitlines()[-1].endswith(" in 1 file (1 Dockerfile)")
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "image.docker").write_text("FROM alpine:3.20\nUSER 10001\n")
    done = runner.invoke(cli, ["check", "--no-config", "--dockerfile", str(clean / "image.docker"), "-f", "json"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output)["summary"]
    assert (summary["files"], summary["objects"], summary["dockerfiles"]) == (1, 0, 1)


def test_explain_says_how_a_dockerfile_finding_is_suppressed() -> None:
    result = CliRunner().invoke(cli, ["explain", "dockerfile-invalid", "--no-config"])
    assert result.exit_code == 0
    assert "Applies to: each Dockerfile checked\n" in result.output
    assert result.output.endswith(
        "Suppress on one instruction, on the line before it: # kgen:ignore dockerfile-invalid <reason>\n"
        "  or in .kgen.yaml: exemptions: [{rule: dockerfile-invalid, kind: Dockerfile, name: <stage>, reason: <why>}]\n"
    )


def test_worker_processes_never_run_the_go_parser(tmp_path: Path) -> None:
    """The Dockerfile parser runs Go, whose runtime hangs in a process forked after it started
    (its own threads are not in the child): a process that parsed Dockerfiles and then checks
    with workers must finish (workers hand Dockerfiles back to the main process)."""
    import subprocess
    import sys

    text = "FROM python:3.12\n" + "RUN echo hi && echo there\n" * 200
    for index in range(200):
        (tmp_path / f"s{index:03}.Dockerfile").write_text(text, encoding="utf-8")
    script = (
        "from kgen.load.dockerfile import parse\n"
        f"for _ in range(300): parse({text!r}, 'first')  # the Go runtime started and busy before any fork\n"
        "from kgen.check.engine import CheckOptions, run_check\n"
        f"result = run_check(CheckOptions(paths=({str(tmp_path)!r},), discover_config=False, jobs=2))\n"
        "print(result.summary.files)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "200"), done.stderr
