"""A JSON Schema error about a user's file -> one sentence the user can act on.

jsonschema's own messages quote Python values and, for ``oneOf``, say only
"is not valid under any of the given schemas". Config files, policy files and
rule parameters are the user's input: their errors name what was expected
(the type, the allowed values, the bounds) and, for a near miss, the value
that was probably meant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Iterable

from kgen.load.yamlload import FieldPath
from kgen.model.quantity import QuantityError, QuantityTooLong, parse_quantity

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


@dataclass(frozen=True)
class Problem:
    """What is wrong (a sentence) and where (a path into the validated data)."""

    path: FieldPath
    message: str


def did_you_mean(word: Any, choices: Iterable[Any]) -> str:
    """``; did you mean 'error'?`` for a near miss among ``choices``, else ``""``."""
    if not isinstance(word, str):
        return ""
    texts = [c for c in choices if isinstance(c, str)]
    import difflib  # only when a name is unknown

    close = difflib.get_close_matches(word, texts, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in texts}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    if not close and len(word) >= 3:  # a longer or shorter spelling: maxReplicas for max
        close = sorted(c for c in texts if len(c) >= 3 and (c.startswith(word) or word.startswith(c)))[:1]
    return f"; did you mean '{close[0]}'?" if close else ""


def show(value: Any) -> str:
    """A value as the user would write it, shortened, with its kind when that matters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"'{text}'"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _got(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {show(value)}"
    if isinstance(value, bool):
        return f"the boolean {show(value)}"
    if isinstance(value, (int, float)):
        return f"the number {show(value)}"
    if value is None:
        return "nothing"
    return show(value)


def expected_type(schema: Mapping[str, Any]) -> str:
    """``an integer, at least 1`` / ``a list of strings`` / ``a quantity``: what a schema accepts."""
    if "enum" in schema:
        return "one of " + ", ".join(show(v) if not isinstance(v, str) else v for v in schema["enum"])
    if schema.get("format") == "quantity":
        return "a Kubernetes quantity (like 500m, 1, 256Mi or 1Gi)"
    types = schema.get("type")
    names = [types] if isinstance(types, str) else list(types or [])
    words = " or ".join(_TYPE_WORDS.get(t, t) for t in names) or "a value"
    if names == ["array"] and isinstance(schema.get("items"), Mapping):
        item = expected_type(schema["items"])
        words = f"a list of {_plural(item)}"
    bounds = []
    if "minimum" in schema:
        bounds.append(f"at least {show(schema['minimum'])}")
    if "maximum" in schema:
        bounds.append(f"at most {show(schema['maximum'])}")
    if "minItems" in schema and schema["minItems"] > 0:
        bounds.append(f"at least {schema['minItems']} long")
    return ", ".join([words, *bounds])


def _plural(words: str) -> str:
    for article in ("a ", "an "):
        if words.startswith(article):
            head, _, rest = words[len(article):].partition(",")
            return head + ("s" if not head.endswith("s") else "") + ("," + rest if rest else "")
    return words


def problem_of(error: Any) -> Problem:
    """The sentence for one jsonschema ValidationError."""
    path: FieldPath = tuple(error.absolute_path)
    kind, value, schema, instance = error.validator, error.validator_value, error.schema, error.instance
    if kind == "additionalProperties" and isinstance(instance, Mapping):
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(str(k) for k in instance if k not in allowed)
        if extra:
            where = "; allowed: " + ", ".join(allowed) if allowed else ""
            hint = did_you_mean(extra[0], allowed)
            return Problem(path + (extra[0],), f"unknown key '{extra[0]}'" + (hint or where))
    if kind == "enum":
        choices = ", ".join(v if isinstance(v, str) else show(v) for v in value)
        return Problem(path, f"{show(instance)} is not one of {choices}{did_you_mean(instance, value)}")
    if kind == "type":
        return Problem(path, f"expected {expected_type(schema)}, got {_got(instance)}")
    if kind == "required":
        missing = [name for name in value if not isinstance(instance, Mapping) or name not in instance]
        return Problem(path, f"missing required key '{missing[0] if missing else value[0]}'")
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}
        return Problem(path, f"must be {words[kind]} {show(value)}, got {show(instance)}")
    if kind in ("minItems", "maxItems", "minLength", "maxLength"):
        what = "entries" if kind.endswith("Items") else "characters"
        bound = "at least" if kind.startswith("min") else "at most"
        return Problem(path, f"must have {bound} {value} {what}, got {show(instance)}")
    if kind == "pattern":
        return Problem(path, f"{show(instance)} does not match the pattern {value}")
    if kind == "format" and value == "quantity":
        return Problem(path, f"{show(instance)} is {_not_quantity(instance)}")
    if kind == "propertyNames":
        return Problem(path, f"{show(instance)} is not an allowed name: {error.message}")
    if kind in ("oneOf", "anyOf") and error.context:
        return _best_branch(error)
    return Problem(path, error.message)


def _best_branch(error: Any) -> Problem:
    """For oneOf/anyOf: the error of the branch whose type fits the value, else every branch's type."""
    instance = error.instance
    branches = error.schema[error.validator]
    fitting = [
        e
        for e in error.context
        if _branch_type_fits(branches[e.relative_schema_path[0]], instance)
        and not (e.validator == "type" and e.absolute_path == error.absolute_path)
    ]
    wanted = ", or ".join(expected_type(branch) for branch in branches)
    if fitting:
        best = min(fitting, key=lambda e: -len(e.absolute_path))
        if best.validator != "enum" or best.absolute_path != error.absolute_path:
            return problem_of(best)
        hint = did_you_mean(instance, best.validator_value)
        return Problem(tuple(error.absolute_path), f"expected {wanted}; got {_got(instance)}{hint}")
    return Problem(tuple(error.absolute_path), f"expected {wanted}; got {_got(instance)}")


def _branch_type_fits(branch: Mapping[str, Any], instance: Any) -> bool:
    if "enum" in branch:
        return any(type(value) is type(instance) for value in branch["enum"])
    types = branch.get("type")
    if types is None:
        return True
    names = [types] if isinstance(types, str) else list(types)
    checks = {
        "string": isinstance(instance, str),
        "boolean": isinstance(instance, bool),
        "object": isinstance(instance, Mapping),
        "array": isinstance(instance, list),
        "integer": isinstance(instance, int) and not isinstance(instance, bool),
        "number": isinstance(instance, (int, float)) and not isinstance(instance, bool),
        "null": instance is None,
    }
    return any(checks.get(name, False) for name in names)


def _not_quantity(value: Any) -> str:
    """Why ``value`` fails the quantity format, as the end of a sentence."""
    try:
        parse_quantity(value)
    except QuantityTooLong as exc:
        return str(exc)
    except QuantityError:
        pass
    return "not a Kubernetes quantity (like 500m, 1, 256Mi or 1Gi)"


def is_quantity(value: Any) -> bool:
    """The ``quantity`` format: a Kubernetes quantity, as a string (``500m``) or a number."""
    try:
        parse_quantity(value)
    except QuantityError:
        return False
    return True
