"""The YAML loader: data, positions, and refusals."""

from __future__ import annotations

import pytest

from kgen.errors import LoadError
from kgen.load.yamlload import Document, Limits, helm_syntax, load_text

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - image: nginx:1.25
          name: web
          ports:
            - containerPort: 80
"""


def docs(text: str, limits: Limits = Limits()) -> list[Document | LoadError]:
    return list(load_text(text, "m.yaml", limits))


def test_positions_point_at_keys_and_named_items() -> None:
    (doc,) = docs(DEPLOYMENT)
    assert isinstance(doc, Document)
    assert doc.position(("metadata", "name")) == (4, 3)
    # a container is located at its name: key even when name is not first
    assert doc.position(("spec", "template", "spec", "containers", 0)) == (10, 11)
    # a missing field falls back to the nearest existing parent
    assert doc.position(("spec", "template", "spec", "containers", 0, "resources")) == (10, 11)
    assert doc.position(("spec", "template", "spec", "containers", 0, "ports", 0)) == (12, 15)


def test_duplicate_key_is_an_error_with_both_lines() -> None:
    (err,) = docs("a: 1\nb: 2\na: 3\n")
    assert isinstance(err, LoadError)
    assert err.location is not None and (err.location.line, err.location.column) == (3, 1)
    assert "duplicate key 'a' (first defined at line 1)" in err.message


def test_syntax_error_keeps_earlier_documents() -> None:
    result = docs("a: 1\n---\nb: [1, 2\n")
    assert isinstance(result[0], Document) and result[0].data == {"a": 1}
    assert isinstance(result[1], LoadError)
    assert "not valid YAML" in result[1].message


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        bomb.append(f"a{level}: &a{level} [{refs}]")
    (err,) = docs("\n".join(bomb) + "\n")
    assert isinstance(err, LoadError)
    assert "alias bomb" in err.message


def test_shared_aliases_within_limits_load() -> None:
    (doc,) = docs("base: &b {cpu: 1}\nx: *b\nz: {<<: *b, mem: 2}\n")
    assert isinstance(doc, Document)
    assert doc.data == {"base": {"cpu": 1}, "x": {"cpu": 1}, "z": {"cpu": 1, "mem": 2}}


def test_recursive_alias_is_refused() -> None:
    (err,) = docs("a: &a [*a]\n")
    assert isinstance(err, LoadError) and "recursive alias" in err.message


def test_depth_limit() -> None:
    (err,) = docs("[" * 300 + "]" * 300, Limits(max_depth=100))
    assert isinstance(err, LoadError) and "nesting deeper than 100" in err.message


def test_kubernetes_scalar_semantics() -> None:
    (doc,) = docs("a: yes\nb: 0x10\nc: 2024-01-01\nd: '1'\ne: ~\nf: 1.5\n")
    assert isinstance(doc, Document)
    assert doc.data == {"a": True, "b": 16, "c": "2024-01-01", "d": "1", "e": None, "f": 1.5}


def test_bom_crlf_and_trailing_tab() -> None:
    (doc,) = docs("\ufeffkind: Pod\r\nmetadata:\r\n  name: x\t\r\n")
    assert isinstance(doc, Document)
    assert doc.data == {"kind": "Pod", "metadata": {"name": "x"}}
    assert doc.position(("metadata", "name")) == (3, 3)


def test_helm_syntax_detection_ignores_other_templates() -> None:
    assert helm_syntax("a: 1\nimage: {{ .Values.image }}\n") == (2, 8)
    assert helm_syntax("# {{ .Values.x }}\na: 1\n") is None
    assert helm_syntax("description: 'Pod {{ $labels.pod }} down'\n") is None


@pytest.mark.parametrize("text", ["", "---\n", "# only a comment\n", "---\n---\n"])
def test_empty_documents_yield_nothing(text: str) -> None:
    assert docs(text) == []


def test_mapping_keys_count_against_the_alias_bound() -> None:
    key = "k" * 100_000
    text = f"x: &a {{? {key} : 1}}\ny: [" + ", ".join(["*a"] * 200) + "]\n"
    (err,) = docs(text)
    assert isinstance(err, LoadError)
    assert err.message.startswith("aliases expand this document to 20100000 characters of text from the 100000 written")


def test_a_mapping_key_longer_than_the_scalar_limit_is_refused() -> None:
    from kgen.load.yamlload import Limits, load_text

    (err,) = list(load_text("? " + "k" * 2000 + "\n: 1\n", "m.yaml", Limits(max_scalar_bytes=1000)))
    assert isinstance(err, LoadError)
    assert err.message == "mapping key longer than 1000 bytes"
    assert err.location is not None and (err.location.line, err.location.column) == (1, 3)
