"""Standard streams that cannot be used, and encodings that cannot hold the output.

Real processes with their descriptors changed just before kgen starts: stdin closed or
open for writing only, stdout or stderr closed, full (``/dev/full``) or a pipe nobody
reads any more. A stream kgen needs and cannot use is exit 2 with one line saying which
(the exit code alone when stderr is the stream); a closed pipe (``| head``) stays quiet;
never a traceback, never exit 3. With a Latin-1 or ASCII output encoding every command
and format prints what the encoding can hold, in a form its readers turn back into the
very text (JSON escapes, XML character references, YAML's double-quoted escapes).
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Callable

import pytest
import yaml

from tests.hardening.support import Measured, run_kgen

CONFIGMAP = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: café\n  namespace: shop\n  labels: {tier: ü}\n"
    "data:\n  greeting: ü→日本\n"
)
PROFILE = "name: web\ntype: web\nimage: ghcr.io/acme/web:1.0\nenv:\n  GREETING: ü→日本\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("streams")
    (root / "m.yaml").write_text(CONFIGMAP, encoding="utf-8")
    (root / "new.yaml").write_text(CONFIGMAP.replace("ü→日本", "→ x"), encoding="utf-8")
    (root / "p.yaml").write_text(PROFILE, encoding="utf-8")
    (root / "write-only").write_text("", encoding="utf-8")
    return root


def closing(fd: int) -> Callable[[], None]:
    return lambda: os.close(fd)


def opening(path: str, flags: int, fd: int) -> Callable[[], None]:
    def replace() -> None:
        os.dup2(os.open(path, flags), fd)

    return replace


def no_traceback(run: Measured) -> Measured:
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr
    return run


# --- stdin ---------------------------------------------------------------------------

READS_STDIN = [("check", "-", "--no-config", "-j", "1"), ("diff", "-", "new.yaml"), ("render", "-")]


@pytest.mark.parametrize("args", READS_STDIN, ids=lambda a: a[0])
def test_closed_stdin_is_named_exit_2(folder: Path, args: tuple[str, ...]) -> None:
    run = no_traceback(run_kgen(*args, cwd=folder, preexec_fn=closing(0)))
    assert (run.code, run.stderr, run.stdout) == (2, "kgen: cannot read standard input (-): it is closed\n", b"")


@pytest.mark.parametrize("args", READS_STDIN, ids=lambda a: a[0])
def test_stdin_open_for_writing_only_is_named_exit_2(folder: Path, args: tuple[str, ...]) -> None:
    run = no_traceback(run_kgen(*args, cwd=folder, preexec_fn=opening(str(folder / "write-only"), os.O_WRONLY, 0)))
    assert (run.code, run.stderr, run.stdout) == (2, "kgen: cannot read standard input (-): it is open for writing only\n", b"")


def test_a_closed_stdin_is_not_read_by_commands_that_do_not_need_it(folder: Path) -> None:
    run = no_traceback(run_kgen("check", "m.yaml", "--no-config", "-j", "1", "-f", "json", cwd=folder, preexec_fn=closing(0)))
    assert run.code == 1 and json.loads(run.stdout)["findings"]


# --- stdout --------------------------------------------------------------------------

#: Every command that prints to stdout.
PRINTS = [
    ("check", "m.yaml", "--no-config", "-j", "1"),
    ("check", "m.yaml", "--no-config", "-j", "1", "-f", "sarif"),
    ("diff", "m.yaml", "new.yaml"),
    ("render", "p.yaml"),
    ("rules",),
    ("explain", "replicas-single"),
    ("presets",),
    ("completion", "bash"),
    ("--version",),
    ("--help",),
    ("check", "--help"),
]
FULL = "kgen: cannot write to standard output: No space left on device\n"
CLOSED = "kgen: cannot write to standard output: it is closed\n"


@pytest.mark.parametrize("args", PRINTS, ids=" ".join)
def test_a_full_stdout_is_exit_2_with_one_line(folder: Path, args: tuple[str, ...]) -> None:
    run = no_traceback(run_kgen(*args, cwd=folder, preexec_fn=opening("/dev/full", os.O_WRONLY, 1)))
    assert (run.code, run.stderr) == (2, FULL)


@pytest.mark.parametrize("args", PRINTS, ids=" ".join)
def test_a_closed_stdout_is_exit_2_with_one_line(folder: Path, args: tuple[str, ...]) -> None:
    run = no_traceback(run_kgen(*args, cwd=folder, preexec_fn=closing(1)))
    assert (run.code, run.stderr) == (2, CLOSED)


def test_output_to_files_needs_no_stdout(folder: Path, tmp_path: Path) -> None:
    """render -o and check -o print nothing to stdout: a closed stdout changes nothing, and
    the descriptor is never reused for the files they write."""
    out = tmp_path / "k8s"
    run = no_traceback(run_kgen("render", str(folder / "p.yaml"), "-o", str(out), cwd=tmp_path, preexec_fn=closing(1)))
    assert run.code == 0 and len(list(out.glob("*.yaml"))) == 5
    report = tmp_path / "report.json"
    run = no_traceback(run_kgen("check", str(folder / "m.yaml"), "--no-config", "-j", "1", "-f", "json", "-o", str(report), cwd=tmp_path, preexec_fn=closing(1)))
    assert run.code == 1 and json.loads(report.read_bytes())["findings"]


def test_a_pipe_whose_reader_is_gone_stays_quiet(folder: Path) -> None:
    """`kgen check | head -1`: head exits; kgen stops without a word (exit 0, as before)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        run = no_traceback(run_kgen("check", "m.yaml", "--no-config", "-j", "1", cwd=folder, preexec_fn=lambda: os.dup2(write_end, 1)))
    finally:
        os.close(write_end)
    assert (run.code, run.stderr) == (0, "")


# --- stderr --------------------------------------------------------------------------


@pytest.mark.parametrize("stderr", [closing(2), opening("/dev/full", os.O_WRONLY, 2)], ids=["closed", "full"])
def test_an_error_that_cannot_be_said_is_the_exit_code_alone(folder: Path, stderr: Callable[[], None]) -> None:
    run = run_kgen("check", "missing.yaml", "--no-config", cwd=folder, preexec_fn=stderr)
    assert (run.code, run.stdout, run.stderr) == (2, b"", "")


@pytest.mark.parametrize("stderr", [closing(2), opening("/dev/full", os.O_WRONLY, 2)], ids=["closed", "full"])
def test_a_run_that_says_nothing_on_stderr_does_not_need_it(folder: Path, stderr: Callable[[], None]) -> None:
    run = run_kgen("check", "m.yaml", "--no-config", "-j", "1", "-f", "json", cwd=folder, preexec_fn=stderr)
    assert run.code == 1 and json.loads(run.stdout)["findings"]


def test_stdout_and_stderr_both_closed(folder: Path) -> None:
    def both() -> None:
        os.close(1)
        os.close(2)

    run = run_kgen("check", "m.yaml", "--no-config", "-j", "1", cwd=folder, preexec_fn=both)
    assert (run.code, run.stdout, run.stderr) == (2, b"", "")


# --- encodings -----------------------------------------------------------------------

ENCODINGS = ["latin-1", "ascii"]


def encoded(encoding: str, *args: str, cwd: Path) -> tuple[int, str, str]:
    run = no_traceback(run_kgen(*args, cwd=cwd, env={**os.environ, "PYTHONIOENCODING": encoding}))
    return run.code, run.stdout.decode(encoding), run.stderr  # decodes strictly in that encoding


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_json_reports_hold_the_very_text(folder: Path, encoding: str, fmt: str) -> None:
    code, out, _ = encoded(encoding, "check", "m.yaml", "--no-config", "-j", "1", "-f", fmt, cwd=folder)
    assert code == 1
    assert "café" in json.dumps(json.loads(out), ensure_ascii=False)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_junit_holds_the_very_text(folder: Path, encoding: str) -> None:
    code, out, _ = encoded(encoding, "check", "m.yaml", "--no-config", "-j", "1", "-f", "junit", cwd=folder)
    assert code == 1
    names = [case.get("name", "") for case in ElementTree.fromstring(out.encode(encoding)).iter("testcase")]
    assert "ConfigMap/shop/café: api-rejected" in names, names


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_text_reports_escape_what_the_encoding_lacks(folder: Path, encoding: str, fmt: str) -> None:
    code, out, _ = encoded(encoding, "check", "m.yaml", "--no-config", "-j", "1", "-f", fmt, cwd=folder)
    assert code == 1
    assert ("café" if encoding == "latin-1" else "caf\\u00e9") in out


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_diff_in_every_format(folder: Path, encoding: str, fmt: str) -> None:
    code, out, _ = encoded(encoding, "diff", "m.yaml", "new.yaml", "--format", fmt, cwd=folder)
    assert code == 1
    if fmt == "json":
        assert "ü→日本" in json.dumps(json.loads(out), ensure_ascii=False)
    else:
        assert "\\u2192" in out  # the arrow in the changed value, escaped


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_render_to_stdout_is_yaml_with_the_very_values(folder: Path, encoding: str) -> None:
    code, out, _ = encoded(encoding, "render", "p.yaml", cwd=folder)
    assert code == 0
    (deployment,) = [d for d in yaml.safe_load_all(out) if d["kind"] == "Deployment"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert {"name": "GREETING", "value": "ü→日本"} in container["env"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_messages_on_stderr_and_the_other_commands(folder: Path, encoding: str) -> None:
    code, _, stderr = encoded(encoding, "check", "nöpe→.yaml", cwd=folder)
    # (stderr is read as UTF-8: Latin-1's one byte for ö is not UTF-8, so it reads as U+FFFD)
    name = "n\\u00f6pe\\u2192.yaml" if encoding == "ascii" else "n\ufffdpe\\u2192.yaml"
    assert (code, stderr) == (2, f"kgen: no such file or directory: {name}\n")
    for args in (("rules",), ("explain", "replicas-single"), ("presets",), ("--help",)):
        code, out, _ = encoded(encoding, *args, cwd=folder)
        assert code == 0 and out


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_files_written_with_o_stay_utf8(folder: Path, tmp_path: Path, encoding: str) -> None:
    code, _, _ = encoded(encoding, "check", str(folder / "m.yaml"), "--no-config", "-j", "1", "-o", str(tmp_path / "r.txt"), cwd=tmp_path)
    assert code == 1 and 'metadata.name: "café"' in (tmp_path / "r.txt").read_bytes().decode("utf-8")
    code, _, _ = encoded(encoding, "render", str(folder / "p.yaml"), "-o", str(tmp_path / "k8s"), cwd=tmp_path)
    assert code == 0 and "value: ü→日本" in (tmp_path / "k8s" / "deployment-web.yaml").read_bytes().decode("utf-8")


def test_a_file_name_that_is_not_utf8_prints(tmp_path: Path) -> None:
    """Names Python holds as lone surrogates (undecodable bytes) are escaped, even on UTF-8."""
    os.mkdir(tmp_path / "tree")
    with open(os.path.join(os.fsencode(tmp_path / "tree"), b"caf\xff.yaml"), "w", encoding="utf-8") as handle:
        handle.write(CONFIGMAP)
    run = no_traceback(run_kgen("check", "tree", "--no-config", "-j", "1", cwd=tmp_path))
    assert run.code == 1 and "caf\\udcff.yaml" in run.stdout.decode("utf-8")
