"""Lines are counted as editors, ``grep -n`` and code scanning count them: only LF ends a
line, CRLF is one break. YAML (and Python's ``splitlines``) also break at a lone CR, NEL,
U+2028 and U+2029; a finding written after one of those must still name the line a
reviewer sees, in every format, through every path that locates a finding (rules,
schema errors placed by re-reading the document, cross-object rules, syntax and load
errors, ``# kgen:ignore`` comments, Helm ``# Source:`` origins, Dockerfiles)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgen.load.lines import LineMap, editor_lines
from tests.hardening.support import run_kgen

#: Characters that end a line for YAML or for str.splitlines, but not for an editor.
ODD = {
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "next line": "\u0085",
    "lone carriage return": "\r",
}

HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    note: "one{odd}two{odd}three"\ndata: {{k: v}}\n---\n'
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 3
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
      - name: app
        image: nginx:latest
        bogus: 1
"""


def _grep_n(path: Path, needle: str) -> tuple[int, int]:
    """Line and column of ``needle`` as ``grep -n`` and an editor give them."""
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        text = line.decode("utf-8")
        if needle in text:
            return number, text.index(needle) + 1
    raise AssertionError(needle)


def _findings(folder: Path, name: str, *extra: str) -> dict[str, tuple[int, int]]:
    run = run_kgen("check", name, "--no-config", "--format", "json", *extra, cwd=folder)
    assert run.code == 1, run.stderr
    return {f["rule"]: (f["line"], f["column"]) for f in json.loads(run.stdout)["findings"]}


@pytest.mark.parametrize("odd", ODD.values(), ids=ODD.keys())
def test_findings_after_an_odd_line_break_name_the_line_an_editor_shows(tmp_path: Path, odd: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes((HEAD.format(odd=odd) + DEPLOYMENT).encode("utf-8"))
    image, bogus = _grep_n(path, "image:"), _grep_n(path, "bogus:")
    assert image == (20, 9) and bogus == (21, 9)  # the file as written: two odd breaks above, no extra lines
    found = _findings(tmp_path, "m.yaml")
    assert found["image-tag-mutable"] == image  # a rule, located while the file is read
    assert found["schema-invalid"] == bogus  # a schema error, placed by re-reading the document
    sarif = run_kgen("check", "m.yaml", "--no-config", "--format", "sarif", cwd=tmp_path)
    regions = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["region"] for r in json.loads(sarif.stdout)["runs"][0]["results"]
    }
    assert (regions["image-tag-mutable"]["startLine"], regions["image-tag-mutable"]["startColumn"]) == image
    text = run_kgen("check", "m.yaml", "--no-config", cwd=tmp_path).out
    assert "m.yaml:20:9: warning image-tag-mutable" in text


def test_a_cross_object_finding_after_odd_breaks_is_on_its_line(tmp_path: Path) -> None:
    # a PodDisruptionBudget selecting nothing is found only when every object is known
    path = tmp_path / "m.yaml"
    path.write_bytes(
        (
            HEAD.format(odd="\u2028")
            + "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n"
            "  maxUnavailable: 1\n  selector:\n    matchLabels: {app: nothing}\n"
        ).encode()
    )
    run = run_kgen("check", "m.yaml", "--no-config", "--format", "json", cwd=tmp_path)
    lines = {f["rule"]: f["line"] for f in json.loads(run.stdout)["findings"]}
    assert lines, run.stderr
    # every finding on the PodDisruptionBudget is within its lines as an editor counts them (9 to 15)
    assert all(9 <= line <= 15 for line in lines.values()), lines


def test_crlf_counts_once_and_a_lone_cr_not_at_all(tmp_path: Path) -> None:
    crlf = (HEAD.format(odd="") + DEPLOYMENT).replace("\n", "\r\n")
    (tmp_path / "crlf.yaml").write_bytes(crlf.encode())
    assert _findings(tmp_path, "crlf.yaml")["image-tag-mutable"] == (20, 9)
    mixed = HEAD.format(odd="\r") + DEPLOYMENT  # lone CRs inside a quoted value
    (tmp_path / "mixed.yaml").write_bytes(mixed.encode())
    assert _findings(tmp_path, "mixed.yaml")["image-tag-mutable"] == (20, 9)


def test_syntax_and_load_errors_after_odd_breaks_are_on_their_line(tmp_path: Path) -> None:
    (tmp_path / "syntax.yaml").write_bytes('a: "x\u2028y\u2029z"\nb: [1, 2\n'.encode())
    run = run_kgen("check", "syntax.yaml", "--no-config", cwd=tmp_path)
    assert run.code == 2 or "yaml-invalid" in run.out
    assert "syntax.yaml:3:1:" in run.out + run.stderr  # the end of the file, where the list is unclosed
    (tmp_path / "duplicate.yaml").write_bytes('a: "x\u2028y"\nkind: A\nkind: B\n'.encode())
    run = run_kgen("check", "duplicate.yaml", "--no-config", cwd=tmp_path)
    assert "duplicate.yaml:3:1:" in run.out + run.stderr, run.out + run.stderr


def test_an_ignore_comment_after_odd_breaks_suppresses_its_own_line(tmp_path: Path) -> None:
    text = HEAD.format(odd="\u2029") + DEPLOYMENT.replace(
        "        image: nginx:latest\n", "        # kgen:ignore image-tag-mutable pinned by the mirror\n        image: nginx:latest\n"
    )
    (tmp_path / "m.yaml").write_bytes(text.encode())
    found = _findings(tmp_path, "m.yaml")
    assert "image-tag-mutable" not in found and found["schema-invalid"] == (22, 9)


def test_a_dockerfile_counts_lines_as_its_parser_does(tmp_path: Path) -> None:
    # BuildKit ends lines at LF only; a U+2028 in a comment is not a line break there
    (tmp_path / "Dockerfile").write_bytes("# base\u2028image\r\nFROM ubuntu:latest\nRUN echo hi\n".encode())
    run = run_kgen("check", "Dockerfile", "--no-config", "--format", "json", cwd=tmp_path)
    found = {f["rule"]: (f["line"], f["column"]) for f in json.loads(run.stdout)["findings"]}
    assert found["dockerfile-base-unpinned"][0] == 2, found


def test_the_line_map_and_line_split() -> None:
    text = "a\u2028b\r\nc\rd\n\ne"
    line_map = LineMap.of(text)
    assert line_map is not None
    assert [line_map.at(text.index(c)) for c in "abcde"] == [(1, 1), (1, 3), (2, 1), (2, 3), (4, 1)]
    assert LineMap.of("a\r\nb\n") is None  # CRLF and LF only: YAML's marks are right as they are
    assert editor_lines(text) == ["a\u2028b", "c\rd", "", "e"]
    assert editor_lines("x\n") == ["x"] and editor_lines("") == []
