"""markdown within a comment's limit: the summary, the table and every risk note stay; field changes are cut."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kgen.cli import cli
from kgen.diff.api import DiffOptions, diff_texts, format_markdown
from kgen.diff.format_markdown import GITHUB_COMMENT_LIMIT


def _config_maps(count: int, lines: int, value: str) -> str:
    docs = []
    for index in range(count):
        body = "".join(f"    line {n}: {value} é\n" for n in range(lines))
        docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{index:03d}, namespace: shop}}\ndata:\n  app.yaml: |\n{body}")
    return "---\n".join(docs)


OLD = _config_maps(30, 300, "old") + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 3}\n"
NEW = _config_maps(30, 300, "new") + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 1}\n"


def result():
    return diff_texts({"a.yaml": OLD}, {"b.yaml": NEW}, DiffOptions())


def test_a_small_diff_is_whole() -> None:
    small = diff_texts({"a.yaml": OLD.split("---\n")[0]}, {"b.yaml": NEW.split("---\n")[0]}, DiffOptions())
    text = format_markdown(small)
    assert "left out" not in text and text == format_markdown(small, max_chars=None)


def test_a_large_diff_fits_githubs_limit_and_keeps_every_risk_note() -> None:
    whole = format_markdown(result(), max_chars=None)
    assert len(whole) > GITHUB_COMMENT_LIMIT
    text = format_markdown(result())
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert text.startswith(whole.split("\n#### ")[0])  # the summary and the whole table
    assert text.count("\n#### ") == whole.count("\n#### ") == 31  # every object's heading
    risks = [line for line in whole.splitlines() if line.startswith("- ⚠️")]
    assert risks and all(line in text.splitlines() for line in risks)
    cut = [line for line in text.splitlines() if "left out to fit the comment" in line]
    assert cut and all("`kgen diff --format text` shows them all" in line for line in cut)
    assert len(text) > GITHUB_COMMENT_LIMIT - 2000  # filled, not emptied


def test_max_bytes_counts_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(NEW, encoding="utf-8")
    out = CliRunner().invoke(cli, ["diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--no-config", "-f", "markdown", "--max-bytes", "20000"])
    assert out.exit_code == 1
    assert len(out.output.encode("utf-8")) <= 20000 + 1  # click adds no newline of its own beyond the text
    assert "spec.replicas" in out.output and "3 → 1" in out.output  # the object with a risk note keeps its changes
    refused = CliRunner().invoke(cli, ["diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--max-bytes", "10"])
    assert refused.exit_code == 2
