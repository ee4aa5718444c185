"""No finding ever repeats a Secret's values.

Messages about a Secret are built without values where they are made (schema
problems have a value-free form); this is the last guard, applied by the
engine to every finding on a Secret whatever rule produced it: each value of
``data`` and ``stringData``, and the ``kubectl.kubernetes.io/last-applied-configuration``
annotation (with the values inside it), is replaced by ``<redacted>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Iterator

SECRET_KIND = "Secret"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
SECRET_FIELDS = ("data", "stringData")
REDACTED = "<redacted>"


def is_secret(obj: Mapping[str, Any]) -> bool:
    return obj.get("kind") == SECRET_KIND


def secret_texts(obj: Mapping[str, Any]) -> list[str]:
    """Every spelling of the object's secret values a message could contain, longest first."""
    found: set[str] = set()
    for value in _secret_values(obj):
        found.update(_spellings(value))
    found.discard("")
    return sorted(found, key=lambda text: (-len(text), text))


def redact_secret(message: str, obj: Mapping[str, Any]) -> str:
    """``redact(message, secret_texts(obj))`` at a cost that follows the message, not the Secret: the
    texts are gathered once per object (its findings are made one after another) and only those
    that occur in the message are tried (a Secret of 300,000 keys, each with a finding, was
    quadratic: every finding rebuilt and scanned every value)."""
    global _last
    if _last is None or _last[0] is not obj:
        _last = (obj, _TextIndex(secret_texts(obj)))
    return redact(message, _last[1].occurring(message))


class _TextIndex:
    """Texts by their length, so the ones a message holds are found by slicing the message."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.order = {text: rank for rank, text in enumerate(texts)}  # longest first, as redact wants
        self.lengths = sorted({len(text) for text in texts})

    def occurring(self, message: str) -> list[str]:
        slices = sum(len(message) - length + 1 for length in self.lengths if length <= len(message))
        if slices >= len(self.texts):  # a long message and a small Secret: look for each text
            return [text for text in self.texts if text in message]
        found: set[str] = set()
        for length in self.lengths:
            if length > len(message):
                break
            found.update(
                piece for piece in (message[i : i + length] for i in range(len(message) - length + 1))
                if piece in self.order
            )
        return sorted(found, key=self.order.__getitem__)


_last: tuple[Mapping[str, Any], _TextIndex] | None = None


def redact(message: str, texts: list[str]) -> str:
    for text in texts:
        if text not in message:
            continue
        pattern = re.escape(text)
        if text[:1].isalnum():
            pattern = r"(?<![\w])" + pattern
        if text[-1:].isalnum():
            pattern += r"(?![\w])"
        message = re.sub(pattern, REDACTED, message)
    return message


def _secret_values(obj: Mapping[str, Any]) -> Iterator[Any]:
    for name in SECRET_FIELDS:
        section = obj.get(name)
        if isinstance(section, Mapping):
            yield from section.values()
        elif section is not None:
            yield section
    metadata = obj.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    if isinstance(annotations, Mapping) and LAST_APPLIED in annotations:
        applied = annotations[LAST_APPLIED]
        yield applied
        if isinstance(applied, str):
            try:
                earlier = json.loads(applied)
            except ValueError:
                return
            if isinstance(earlier, Mapping):
                yield from _secret_values({key: earlier.get(key) for key in SECRET_FIELDS})


def _spellings(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _spellings(item)
        return
    if isinstance(value, list):
        for item in value:
            yield from _spellings(item)
        return
    if isinstance(value, str):
        yield value
        yield json.dumps(value)[1:-1]  # as a JSON string shows it, escapes included
        yield repr(value)[1:-1]
        return
    if value is None:
        return
    yield str(value)
    yield json.dumps(value, default=str)
