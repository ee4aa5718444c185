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
