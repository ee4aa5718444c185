"""Text fields of a profile keep what the user wrote.

The loader reads plain scalars as kubectl does (go-yaml v2): ``1.10`` is the
number 1.1, ``8080`` an integer, ``on`` and ``y`` booleans, ``~`` null. Where
the profile schema says a value is text, render wants the characters the user
typed instead:

* a number keeps its digits: ``VERSION: 1.10`` is the text "1.10", ``PORT:
  8080`` "8080", ``MODE: 0755`` "0755" (never 1.1, 493 or 0o755);
* ``true`` and ``false`` are the same text whichever way they are read, so
  they are taken as written;
* any other boolean spelling (``y``, ``yes``, ``on``, ``off``, ``True``, ...) and
  a null (``~``, ``null``, an empty value) are refused with a hint to quote:
  ``FEATURE: on`` may mean the word "on" or a boolean a program expects as
  "true", and ``NAME: ~`` the text "~" or nothing at all. kgen does not guess.

Which fields are text comes from the schema alone: a field is text when its
type admits a string, it is not a closed list of words (``enum``, ``const``),
and it puts no numeric bound on a number (``minimum``, ``maximum``...). So env
values, labels, annotations, commands, names and paths are text; quantities
(``cpu: 0.5``, ``storage: 20``) stay numbers, as the schema bounds them.
"""

from __future__ import annotations

from functools import lru_cache
from collections.abc import Mapping
from typing import Any, Callable, Iterator

from kgen.load.resolve import FLOAT, INT, json_text, resolve_plain
from kgen.load.yamlload import FieldPath
from kgen.render.schema import SCHEMA_FILE, Issue
from kgen.resources import load_schema

Schema = Mapping[str, Any]
WrittenAt = Callable[[FieldPath], "str | None"]
Quote = Callable[[FieldPath, str], str]

_NUMERIC_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_ANY_ITEM = "[]"
_ANY_KEY = "*"


def _root() -> Schema:
    schema: Schema = load_schema(SCHEMA_FILE)
    return schema


def _resolve(schema: Schema) -> Iterator[Schema]:
    """``schema`` with its ``$ref`` followed, and each ``anyOf``/``oneOf`` alternative."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        target = _root()["definitions"].get(ref.rsplit("/", 1)[-1])
        if isinstance(target, Mapping):
            yield from _resolve(target)
        return
    yield schema
    for keyword in ("anyOf", "oneOf"):
        for alternative in schema.get(keyword) or ():
            if isinstance(alternative, Mapping):
                yield from _resolve(alternative)


def _child(schemas: tuple[Schema, ...], key: str | int | None) -> tuple[Schema, ...]:
    """The schemas that apply to ``key`` of a value: a mapping key, a list index, or
    None for a key the schema does not name."""
    found: list[Schema] = []
    for schema in schemas:
        if isinstance(key, int):
            sub = schema.get("items")
        elif key is None:
            sub = schema.get("additionalProperties")
        else:
            sub = (schema.get("properties") or {}).get(key, schema.get("additionalProperties"))
        if isinstance(sub, Mapping):
            found.extend(_resolve(sub))
    return tuple(found)


def _is_text(schema: Schema) -> bool:
    types = schema.get("type")
    names = {types} if isinstance(types, str) else set(types or ())
    return (
        "string" in names
        and "enum" not in schema
        and "const" not in schema
        and not any(bound in schema for bound in _NUMERIC_BOUNDS)
    )


@lru_cache(maxsize=1)
def _top() -> tuple[Schema, ...]:
    return tuple(_resolve(_root()))


def schemas_at(path: FieldPath) -> tuple[Schema, ...]:
    """Every schema the profile schema applies at ``path`` (empty: no such field)."""
    schemas = _top()
    for key in path:
        schemas = _child(schemas, key)
    return schemas


def is_text_field(path: FieldPath) -> bool:
    """True when the profile schema takes the value at ``path`` as text."""
    return any(_is_text(schema) for schema in schemas_at(path))


def text_fields() -> list[str]:
    """The text fields of a profile, as patterns (``env.*``, ``command[]``), in the schema's order."""
    found: list[str] = []
    _collect(_top(), "", found, set())
    return found


def _collect(schemas: tuple[Schema, ...], prefix: str, found: list[str], seen: set[str]) -> None:
    if prefix in seen or prefix.count(".") > 8:
        return
    seen.add(prefix)
    if prefix and any(_is_text(schema) for schema in schemas):
        found.append(prefix)
    keys: list[str] = []
    for schema in schemas:
        keys.extend(key for key in (schema.get("properties") or {}) if key not in keys)
    for key in keys:
        _collect(_child(schemas, key), f"{prefix}.{key}" if prefix else key, found, seen)
    if any(isinstance(schema.get("additionalProperties"), Mapping) for schema in schemas):
        _collect(_child(schemas, None), f"{prefix}.{_ANY_KEY}" if prefix else _ANY_KEY, found, seen)
    if any(isinstance(schema.get("items"), Mapping) for schema in schemas):
        _collect(_child(schemas, 0), prefix + _ANY_ITEM, found, seen)


def quoted(path: FieldPath, text: str) -> str:
    """How to write ``text`` quoted in a profile."""
    return f'"{text}"'


def keep_written(
    value: Any,
    written_at: WrittenAt,
    at: FieldPath = (),
    quote: Quote = quoted,
    key_at: WrittenAt = lambda path: None,
) -> tuple[Any, list[Issue]]:
    """``value`` (the data at ``at``) with every text field taken as written, and the
    values whose meaning cannot be known (see the module's doc) as issues.

    ``written_at(path)`` is the scalar at ``path`` as written when it was plain
    (``Document.plain_scalar``); ``key_at(path)`` the last key of ``path`` as
    written when it is read otherwise (``Document.written_key``): keys of
    free-form maps (env names, label keys) are text as well; ``quote(path,
    text)`` words the quoting hint.
    """
    issues: list[Issue] = []
    kept = _keep(value, schemas_at(at), at, (written_at, key_at), quote, issues)
    return kept, issues


def _keep(
    value: Any,
    schemas: tuple[Schema, ...],
    path: FieldPath,
    written: tuple[WrittenAt, WrittenAt],
    quote: Quote,
    issues: list[Issue],
) -> Any:
    if not schemas:
        return value
    if isinstance(value, dict):
        kept: dict[str, Any] = {}
        for key, item in value.items():
            name = _key_as_written(key, path, schemas, written[1], quote, issues)
            kept[name] = _keep(item, _child(schemas, key), path + (key,), written, quote, issues)
        return kept
    if isinstance(value, list):
        items = _child(schemas, 0)
        return [_keep(item, items, path + (index,), written, quote, issues) for index, item in enumerate(value)]
    if isinstance(value, str) or not any(_is_text(schema) for schema in schemas):
        return value
    return _scalar_as_written(value, path, written[0], quote, issues)


def _key_as_written(
    key: str, path: FieldPath, schemas: tuple[Schema, ...], key_at: WrittenAt, quote: Quote, issues: list[Issue]
) -> str:
    """A key of a free-form map (env, labels) as written: ``010`` stays "010"; ``N`` or ``on`` is refused."""
    if not any(isinstance(schema.get("additionalProperties"), Mapping) for schema in schemas):
        return key  # a field name of the schema, not text of the user's
    if any(key in (schema.get("properties") or {}) for schema in schemas):
        return key
    written = key_at(path + (key,))
    if written is None:
        return key
    tag, _ = resolve_plain(written)
    if tag in (INT, FLOAT):
        return written
    issues.append(
        Issue(path + (key,), f"the key {written!r} is read as {key!r}, but this name is text; quote it: {quote(path, written)}")
    )
    return key


def _scalar_as_written(value: Any, path: FieldPath, written_at: WrittenAt, quote: Quote, issues: list[Issue]) -> Any:
    written = written_at(path)
    if written is None:  # an explicit tag (!!int 5): the user asked for the type
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return written
    meaning = json_text(value)
    if isinstance(value, bool) and written == meaning:  # true, false: the same text either way
        return written
    issues.append(Issue(path, _ambiguous(written, meaning, quote(path, written))))
    return value


def _ambiguous(written: str, meaning: str, hint: str) -> str:
    if meaning == "null":
        what = f"{written!r} is read as null" if written else "is empty, which is read as null"
        return f"{what}, but this field is text; quote it: {hint}"
    return f"{written!r} is read as the boolean {meaning}, but this field is text; quote it: {hint} (or write {meaning})"
