"""Validate profile data against schemas/profile.schema.json, with messages for people.

The schema is the single source of truth; this module only words its errors.
Each problem becomes an ``Issue``: the path of the field to point at, and a
message that carries the offending value. Two non-standard keywords that
editors (VS Code, yaml-language-server) also understand supply wording:
``patternErrorMessage`` (for a failed pattern) and ``errorMessage`` (for any
other failure of that schema node).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from kgen.load.yamlload import FieldPath
from kgen.model.patterns import trusted_search
from kgen.resources import load_schema

SCHEMA_FILE = "profile.schema.json"


@dataclass(frozen=True)
class Issue:
    """A problem with a profile: where (a path into its data) and what."""

    path: FieldPath
    message: str


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft7Validator(load_schema(SCHEMA_FILE))


@lru_cache(maxsize=1)
def _holds() -> Callable[[Any], bool] | None:
    """The profile schema as a compiled yes/no check (kgen.model.fastschema), when it compiles."""
    from kgen.model.fastschema import Compiler, Unsupported

    schema = load_schema(SCHEMA_FILE)
    try:
        return Compiler(
            schema.get("definitions", {}), prefixes=("#/definitions/",), draft7=True, search=trusted_search
        ).compile(schema)
    except Unsupported:
        return None


def schema_issues(data: Any) -> list[Issue]:
    """Every schema problem of ``data``, one per field, in the schema's order."""
    holds = _holds()
    if holds is not None and holds(data):
        return []  # a valid profile never needs jsonschema (the compiled check agrees with it, tested)
    issues: list[Issue] = []
    seen: set[FieldPath] = set()
    for error in _validator().iter_errors(data):
        issue = _issue(error)
        if issue.path not in seen:
            seen.add(issue.path)
            issues.append(issue)
    return issues


def _issue(error: Any) -> Issue:
    path: FieldPath = tuple(error.absolute_path)
    if "propertyNames" in error.schema_path:
        return Issue(path + (str(error.instance),), _key_message(error))
    if error.validator == "additionalProperties":
        return _unknown_field(error, path)
    if error.validator == "required":
        return _required(error, path)
    if error.validator in ("anyOf", "oneOf"):
        return _alternatives(error, path)
    return Issue(path, _message(error))


def _message(error: Any) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("errorMessage")
    if isinstance(custom, str):
        prefix = f"is {_show(error.instance)}; " if error.validator in _NUMERIC else ""
        return prefix + custom
    handler = _MESSAGES.get(error.validator)
    if handler is None:
        return _truncate(error.message)
    return handler(error)


def _key_message(error: Any) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("errorMessage")
    if error.validator == "pattern" and "patternErrorMessage" in schema:
        return f"the key {_show(error.instance)} is {schema['patternErrorMessage']}"
    if isinstance(custom, str):
        return f"the key {_show(error.instance)} {custom}"
    return f"the key {_show(error.instance)}: {_message(error)}"


def _unknown_field(error: Any, path: FieldPath) -> Issue:
    known = list(error.schema.get("properties", {}))
    extras = [key for key in error.instance if key not in known]
    key = str(extras[0])
    if key in ("name", "type") and len(path) >= 2 and path[-2] == "environments":
        return Issue(path + (key,), f"an environment overlay cannot change the app's {key}")
    return Issue(path + (key,), "unknown field" + _suggest(key, known, listing=True))


def _suggest(word: str, choices: list[str], listing: bool = False) -> str:
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {by_lower[close[0]]!r}?"
    if listing and choices:
        return f" (valid fields: {', '.join(choices)})"
    return ""


_REQUIRED = re.compile(r"^'(?P<name>.*)' is a required property$")


def _required(error: Any, path: FieldPath) -> Issue:
    match = _REQUIRED.match(error.message)
    missing = match["name"] if match else str(error.validator_value[0])
    conditional = "then" in error.schema_path
    app_type = error.instance.get("type") if isinstance(error.instance, dict) else None
    if conditional and isinstance(app_type, str):
        return Issue(path + (missing,), f"is required for type {app_type} (there is no default)")
    return Issue(path + (missing,), "is required")


def _alternatives(error: Any, path: FieldPath) -> Issue:
    if isinstance(error.schema, dict) and "errorMessage" in error.schema:
        return Issue(path, error.schema["errorMessage"])
    context = list(error.context or ())
    not_type = [sub for sub in context if sub.validator != "type"]
    if not_type:
        return _issue(not_type[0])
    expected: list[str] = []
    for sub in context:
        for name in _as_list(sub.validator_value):
            if _TYPE_WORDS.get(name, name) not in expected:
                expected.append(_TYPE_WORDS.get(name, name))
    return Issue(path, f"expected {_either(expected)}, got {_kind(error.instance)}")


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}
_NUMERIC = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _either(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _kind(value: Any) -> str:
    if value is None:
        return "null (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {_show(value)}"
    return _show(value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, (dict, list)):
        return _truncate(json.dumps(value, default=str), 60)
    return str(value)


def _truncate(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_message(error: Any) -> str:
    expected = [_TYPE_WORDS.get(name, name) for name in _as_list(error.validator_value)]
    return f"expected {_either(expected)}, got {_kind(error.instance)}"


def _enum_message(error: Any) -> str:
    choices = [str(choice) for choice in error.validator_value]
    text = f"{_show(error.instance)} is not one of {', '.join(choices)}"
    if isinstance(error.instance, str):
        text += _suggest(error.instance, choices)
    return text


_MEMORY_TYPOS = {
    "kb": "Ki",
    "kib": "Ki",
    "mb": "Mi",
    "mib": "Mi",
    "m": "Mi",
    "gb": "Gi",
    "gib": "Gi",
    "g": "Gi",
    "tb": "Ti",
    "tib": "Ti",
    "t": "Ti",
}
_NUMBER_UNIT = re.compile(r"^\s*(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[A-Za-z]+)\s*$")


def _pattern_message(error: Any) -> str:
    schema = error.schema
    wording = schema.get("patternErrorMessage") or f"does not match {schema.get('pattern')}"
    text = f"{_show(error.instance)} is {wording}"
    if "Ki|Mi" in str(schema.get("pattern", "")) and isinstance(error.instance, str):
        text += _memory_hint(error.instance, str(schema["pattern"]))
    return text


def _memory_hint(value: str, pattern: str) -> str:
    match = _NUMBER_UNIT.match(value)
    if match is None:
        return ""
    unit = _MEMORY_TYPOS.get(match["unit"].lower())
    if unit is None:
        return ""
    guess = f"{match['number']}{unit}"
    if not re.match(pattern, guess):
        return ""
    return f"; did you mean {guess!r}?"


def _minimum(error: Any) -> str:
    return f"is {_show(error.instance)}; the least allowed is {error.validator_value}"


def _maximum(error: Any) -> str:
    return f"is {_show(error.instance)}; the most allowed is {error.validator_value}"


def _exclusive_minimum(error: Any) -> str:
    return f"is {_show(error.instance)}; it must be more than {error.validator_value}"


def _min_length(error: Any) -> str:
    return "must not be empty"


def _max_length(error: Any) -> str:
    return f"is {len(error.instance)} characters long; at most {error.validator_value} are allowed"


def _min_items(error: Any) -> str:
    return f"must list at least {error.validator_value} item(s)"


def _max_items(error: Any) -> str:
    return f"lists {len(error.instance)} items; at most {error.validator_value} are allowed"


def _unique_items(error: Any) -> str:
    seen: list[Any] = []
    for item in error.instance:
        if item in seen:
            return f"lists {_show(item)} more than once"
        seen.append(item)
    return "lists an item more than once"


def _min_properties(error: Any) -> str:
    return "must not be empty"


def _max_properties(error: Any) -> str:
    return f"has {len(error.instance)} fields; at most {error.validator_value} are allowed"


def _const(error: Any) -> str:
    return f"must be {_show(error.validator_value)}"


def _not(error: Any) -> str:
    return "is not allowed here"


_MESSAGES: dict[str, Callable[[Any], str]] = {
    "type": _type_message,
    "enum": _enum_message,
    "pattern": _pattern_message,
    "minimum": _minimum,
    "maximum": _maximum,
    "exclusiveMinimum": _exclusive_minimum,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minItems": _min_items,
    "maxItems": _max_items,
    "uniqueItems": _unique_items,
    "minProperties": _min_properties,
    "maxProperties": _max_properties,
    "const": _const,
    "not": _not,
}
