"""A ConfigMap's binaryData is never printed: its size and a digest say what changed."""

from __future__ import annotations

import json

from kgen.diff.api import DiffOptions, diff_texts, format_json, format_markdown, format_text

OLD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\nbinaryData: {blob: aGVsbG8gd29ybGQ=}\ndata: {mode: fast}\n"
NEW = OLD.replace("aGVsbG8gd29ybGQ=", "Z29vZGJ5ZSB3b3JsZA==")


def test_a_changed_blob_shows_sizes_and_digests() -> None:
    result = diff_texts({"a.yaml": OLD}, {"b.yaml": NEW}, DiffOptions())
    text = format_text(result)
    assert 'binaryData.blob: "<binary data, 11 bytes, sha256 b94d27b9934d>" → "<binary data, 13 bytes, sha256 9150e02727e2>"' in text
    for output in (text, format_markdown(result), format_json(result)):
        assert "aGVsbG8" not in output and "Z29vZGJ5" not in output


def test_an_added_config_map_shows_no_bytes_either() -> None:
    result = diff_texts({}, {"b.yaml": NEW}, DiffOptions())
    data = json.loads(format_json(result))
    assert "Z29vZGJ5" not in json.dumps(data) and "Z29vZGJ5" not in format_markdown(result)
    assert "<binary data, 13 bytes, sha256 9150e02727e2>" in format_markdown(result)


def test_not_base64_is_said_so() -> None:
    bad = OLD.replace("aGVsbG8gd29ybGQ=", "not base64!")
    result = diff_texts({"a.yaml": OLD}, {"b.yaml": bad}, DiffOptions())
    assert '"<binary data, not base64, 11 characters>"' in format_text(result)
