"""Where an object fails a schema predicate, as jsonschema would place it, without jsonschema.

A policy's ``schema:`` is decided by its compiled yes/no check (``CompiledPolicy.holds``); a
failing object's finding is placed at the shallowest error jsonschema's Draft 7 validator (with
kgen's keywords, kgen.check.keywords) reports: the first, in jsonschema's order, of those with the
shortest path (ties broken by the path's parts as text), and for ``required`` the first missing
property after it. Importing and building that validator costs about 90 ms, which a pre-commit
run of a few files would pay for its first finding; this walks the same structure instead.

The walk follows the keywords that place errors below or beside the object as jsonschema
does - ``required`` (one error per missing property, at the object), ``properties``, ``items``,
``allOf``, ``if``/``then``/``else`` - and leaves every other assertion to the compiled check
(kgen.model.fastschema), as one error at the value when that keyword alone fails: each of
``LEAVES`` makes at most one error at the value in jsonschema too. A schema with any other keyword
(``$ref``, ``additionalProperties``, ``patternProperties``, ...) gets no explainer; jsonschema
places its findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from kgen.check.keywords import FAST_KEYWORDS
from kgen.load.yamlload import FieldPath
from kgen.model.fastschema import ANNOTATIONS, Compiler, Unsupported

#: An error: where jsonschema reports it, and the property a ``required`` error adds to that path.
Error = tuple[FieldPath, tuple[str, ...]]
Walk = Callable[[Any, FieldPath, list[Error]], None]
Explain = Callable[[Any], "FieldPath | None"]

#: Keywords whose failure is one error at the value itself (Draft 7, kgen's keywords included).
LEAVES = frozenset(
    {
        "type", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems",
        "minProperties", "maxProperties", "anyOf", "oneOf", "not", "contains",
        *FAST_KEYWORDS,
    }
)


def explainer(schema: Any) -> Explain | None:
    """The place of an object's finding under ``schema`` (None when it passes); None when the
    schema uses a keyword this walk does not place errors for."""
    try:
        walk = _Builder().walk(schema)
    except Unsupported:
        return None

    def explain(instance: Any) -> FieldPath | None:
        errors: list[Error] = []
        walk(instance, (), errors)
        if not errors:
            return None
        path, missing = min(errors, key=lambda error: (len(error[0]), [str(part) for part in error[0]]))
        return path + missing

    return explain


class _Builder:
    def __init__(self) -> None:
        self.compiler = Compiler({}, FAST_KEYWORDS)

    def walk(self, schema: Any) -> Walk:
        if schema is True:
            return _nothing
        if schema is False:
            return _here
        if not isinstance(schema, Mapping):
            raise Unsupported(f"schema is a {type(schema).__name__}")
        if "$ref" in schema:
            raise Unsupported("$ref")
        parts: list[Walk] = []
        for keyword, argument in schema.items():
            if keyword in ANNOTATIONS or keyword.startswith("x-") or keyword in ("then", "else"):
                continue  # then and else are read with their if; alone, jsonschema ignores them
            if keyword == "required":
                parts.append(_required(argument))
            elif keyword == "properties":
                parts.append(self._properties(argument))
            elif keyword == "items":
                parts.append(self._items(argument))
            elif keyword == "allOf":
                parts.append(self._all(argument))
            elif keyword == "if":
                parts.append(self._if(argument, schema))
            elif keyword in LEAVES:
                parts.append(_leaf(self.compiler.compile({keyword: argument})))
            else:
                raise Unsupported(keyword)
        return _each(parts)

    def _properties(self, properties: Any) -> Walk:
        if not isinstance(properties, Mapping):
            raise Unsupported("properties")
        walks = [(name, self._below(sub)) for name, sub in properties.items()]

        def walk(value: Any, at: FieldPath, out: list[Error]) -> None:
            if isinstance(value, dict):
                for name, sub in walks:
                    if name in value:
                        sub(value[name], at + (name,), out)

        return walk

    def _items(self, items: Any) -> Walk:
        if isinstance(items, list):
            raise Unsupported("items as a list")  # as the compiled check (which decides first) refuses it
        one = self._below(items)

        def walk(value: Any, at: FieldPath, out: list[Error]) -> None:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    one(item, at + (index,), out)

        return walk

    def _below(self, schema: Any) -> Walk:
        """The walk of a schema for a field or item: jsonschema reports a ``false`` one at the field's
        parent (it yields that error before it adds the field to the path)."""
        return _parent if schema is False else self.walk(schema)

    def _all(self, subs: Any) -> Walk:
        if not isinstance(subs, list):
            raise Unsupported("allOf")
        return _each([self.walk(sub) for sub in subs])

    def _if(self, condition: Any, schema: Mapping[str, Any]) -> Walk:
        holds = self.compiler.compile(condition)
        then = self.walk(schema["then"]) if "then" in schema else _nothing
        otherwise = self.walk(schema["else"]) if "else" in schema else _nothing

        def walk(value: Any, at: FieldPath, out: list[Error]) -> None:
            (then if holds(value) else otherwise)(value, at, out)

        return walk


def _required(names: Any) -> Walk:
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise Unsupported("required")

    def walk(value: Any, at: FieldPath, out: list[Error]) -> None:
        if isinstance(value, dict):
            missing = [name for name in names if name not in value]
            out.extend((at, (missing[0],)) for _ in missing)  # one error per missing property

    return walk


def _leaf(holds: Callable[[Any], bool]) -> Walk:
    def walk(value: Any, at: FieldPath, out: list[Error]) -> None:
        if not holds(value):
            out.append((at, ()))

    return walk


def _each(parts: list[Walk]) -> Walk:
    if len(parts) == 1:
        return parts[0]

    def walk(value: Any, at: FieldPath, out: list[Error]) -> None:
        for part in parts:
            part(value, at, out)

    return walk


def _nothing(value: Any, at: FieldPath, out: list[Error]) -> None:
    return None


def _here(value: Any, at: FieldPath, out: list[Error]) -> None:
    out.append((at, ()))


def _parent(value: Any, at: FieldPath, out: list[Error]) -> None:
    out.append((at[:-1], ()))
