"""Helpers for the diff tests: fixture and corpus locations, a one-call diff."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Iterable

import yaml

from kgen.diff.api import DiffOptions, diff_texts
from kgen.diff.result import DiffResult, ObjectDiff
from kgen.errors import LoadError
from kgen.load.yamlload import load_text

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "diff"
CORPUS = REPO / "fixtures" / "corpus"  # the slice of real manifests (its SOURCES.md names them)


def diff_yaml(old: str, new: str, ignore: Iterable[str] = ()) -> DiffResult:
    """Diff two YAML texts (one source each side)."""
    return diff_texts({"old.yaml": old}, {"new.yaml": new}, DiffOptions(ignore=tuple(ignore)))


def only_object(result: DiffResult) -> ObjectDiff:
    assert len(result.objects) == 1, [obj.key for obj in result.objects]
    return result.objects[0]


def changes_of(result: DiffResult) -> list[tuple[str, str, object, object]]:
    """(path, op, old, new) of the one object that differs."""
    return [(c.path_text, c.op, c.old, c.new) for c in only_object(result).changes]


def risks_of(result: DiffResult) -> list[tuple[str, str]]:
    """(code, path) of every risk note of every object."""
    return [(r.code, r.path_text) for obj in result.objects for r in obj.risks]


def is_named_list(items: list[Any]) -> bool:
    """A list of mappings that all have a unique string ``name`` (the issue's definition)."""
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    return bool(items) and all(isinstance(n, str) for n in names) and len(set(names)) == len(names)


def shuffled(value: Any, rng: random.Random) -> Any:
    """A copy with every mapping's keys and every named list's items in a random order."""
    if isinstance(value, dict):
        entries = list(value.items())
        rng.shuffle(entries)
        return {key: shuffled(item, rng) for key, item in entries}
    if isinstance(value, list):
        items = [shuffled(item, rng) for item in value]
        if is_named_list(items):
            rng.shuffle(items)
        return items
    return value


#: Ways to write the same data differently.
STYLES = ("block", "flow", "mixed", "json")


def emit(documents: list[Any], rng: random.Random, style: str) -> dict[str, str]:
    """Documents shuffled (keys, named lists, document order), written in ``style``
    and spread over one to three files."""
    documents = [shuffled(document, rng) for document in documents]
    rng.shuffle(documents)
    files: dict[str, list[Any]] = {}
    for document in documents:
        files.setdefault(f"part{rng.randrange(3)}.yaml", []).append(document)
    return {name: _write(docs, rng, style) for name, docs in files.items()}


def _write(documents: list[Any], rng: random.Random, style: str) -> str:
    if style == "json":
        indent = rng.choice([None, 1, 4])
        return "\n---\n".join(json.dumps(doc, indent=indent, ensure_ascii=False) for doc in documents) + "\n"
    flow = {"block": False, "flow": True, "mixed": None}[style]
    return str(
        yaml.dump_all(
            documents,
            Dumper=yaml.CSafeDumper,
            default_flow_style=flow,
            sort_keys=False,
            allow_unicode=True,
            explicit_start=True,
            indent=rng.choice([2, 4]),
            width=rng.choice([40, 80, 4096]),
        )
    )


def documents_of(text: str, source: str) -> list[Any]:
    """The data of every document of a text (raises the LoadError of a bad one)."""
    found = []
    for document in load_text(text, source):
        if isinstance(document, LoadError):
            raise document
        found.append(document.data)
    return found
