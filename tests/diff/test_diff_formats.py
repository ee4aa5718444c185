"""The text, markdown and JSON formats: golden files, colour, determinism.

Golden files live beside the fixture they describe (fixtures/diff/shop/).
Regenerate them with ``pytest tests/diff --update-golden`` and review
the difference by eye before committing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

import pytest

from diff_support import FIXTURES, diff_yaml
from kgen.diff.api import DiffOptions, diff_paths, format_json, format_markdown, format_text
from kgen.diff.result import DiffResult

SHOP = FIXTURES / "shop"
FORMATTERS: dict[str, Callable[[DiffResult], str]] = {
    "expected.txt": lambda result: format_text(result, color=False),
    "expected.md": format_markdown,
    "expected.json": format_json,
}


def shop_result() -> DiffResult:
    return diff_paths("fixtures/diff/shop/old", "fixtures/diff/shop/new", DiffOptions())


@pytest.mark.parametrize("golden", sorted(FORMATTERS))
def test_golden(golden: str, repo_cwd: Path, update_golden: bool) -> None:
    output = FORMATTERS[golden](shop_result())
    path = SHOP / golden
    if update_golden:
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8"), f"{path} is stale; see this module's docstring"


def test_the_same_input_gives_the_same_bytes(repo_cwd: Path) -> None:
    for formatter in FORMATTERS.values():
        assert formatter(shop_result()) == formatter(shop_result())


def test_colour_only_adds_escape_sequences(repo_cwd: Path) -> None:
    result = shop_result()
    coloured = format_text(result, color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == format_text(result, color=False)
    assert "\x1b[" not in format_text(result, color=False)


def test_json_has_the_documented_shape(repo_cwd: Path) -> None:
    document = json.loads(format_json(shop_result()))
    assert set(document) == {"objects", "summary"}
    assert document["summary"] == {
        "changed": 6, "added": 1, "removed": 1, "unchanged": 1, "risks": 10,
        "ignoredDocuments": {"old": 0, "new": 0},
    }
    for obj in document["objects"]:
        # the keys every object has, and the ones added only when they apply (renames, rollouts)
        assert {"key", "apiVersion", "change", "source", "changes", "risks"} <= set(obj)
        assert set(obj) - {"key", "apiVersion", "change", "source", "changes", "risks"} <= {"rename", "rolls", "rollout"}
        if "rollout" in obj:
            assert set(obj["rollout"]) == {
                "workload", "action", "replicas", "hpaManaged", "strategy", "capacity", "reason", "because", "explains"
            }
        assert set(obj["key"]) == {"group", "kind", "namespace", "name"}
        assert obj["change"] in ("added", "removed", "changed")
        for change in obj["changes"]:
            assert set(change) == {"path", "op", "old", "new", "redacted"}
        for risk in obj["risks"]:
            assert set(risk) == {"code", "path", "reason"}


NO_CHANGE = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"


def test_no_changes_in_each_format() -> None:
    result = diff_yaml(NO_CHANGE, NO_CHANGE + "---\nnot: an object\n")
    assert format_text(result) == "No changes (1 object compared); 1 document without apiVersion/kind ignored.\n"
    assert format_markdown(result).startswith("### kgen diff: no changes\n")
    assert json.loads(format_json(result))["objects"] == []


def test_markdown_code_fences_outgrow_backticks_in_values() -> None:
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {doc: 'use ```sh'}\n"
    markdown = format_markdown(diff_yaml(old, old.replace("sh", "bash")))
    assert "\n````diff\n" in markdown
    assert markdown.count("\n````\n") == 1


def test_markdown_keeps_risk_notes_outside_the_fold(repo_cwd: Path) -> None:
    markdown = format_markdown(shop_result())
    for section in markdown.split("\n#### ")[1:]:
        before_fold = section.split("<details>")[0]
        after_fold = section.split("<details>")[1]
        assert "⚠️" not in after_fold
        assert before_fold.count("- ⚠️") == section.count("⚠️")


def test_long_added_objects_are_cut_short_in_markdown() -> None:
    data = "".join(f"  k{i}: v{i}\n" for i in range(300))
    markdown = format_markdown(diff_yaml("", f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata:\n{data}"))
    assert "# ... 105 more lines" in markdown
