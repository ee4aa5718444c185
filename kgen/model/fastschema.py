"""A compiled yes/no check for the subset of JSON Schema the Kubernetes schemas use.

jsonschema walks a schema anew for every instance; most manifests are valid,
and for them only the answer matters. This compiles a schema once into
nested closures that answer ``is this valid?`` about ten times faster. When an
object is not valid, the caller asks jsonschema for the detailed errors, so
messages are exactly jsonschema's.

Semantics follow jsonschema's Draft 2020-12 validator as kubernetes-validate
configures it: ``format`` is an annotation only; ``integer`` accepts integral
floats; booleans are not numbers; ``enum`` compares 1 and 1.0 as equal but
not True and 1. A schema using any other assertion keyword is refused
(``Unsupported``) and the caller keeps jsonschema for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sized
from typing import Any, Callable

from kgen.model.patterns import Search, compile_search

Check = Callable[[Any], bool]

#: Keywords that assert nothing (annotations, Kubernetes extensions).
ANNOTATIONS = frozenset(
    {
        "description", "format", "default", "$schema", "$id", "title", "example", "examples",
        "discriminator", "deprecated", "readOnly", "writeOnly", "$comment", "definitions",
        "errorMessage", "patternErrorMessage",  # kgen's (and editors') wording of errors
    }
)


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def _enum_key(value: Any) -> Any:
    # jsonschema's equality, exactly (``not`` and ``if`` turn any error into a wrong answer):
    # 1 == 1.0, but True != 1 and False != 0, at every depth
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, dict):  # equal mappings whatever their order, lists item by item
        return ("object", frozenset((key, _enum_key(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_enum_key(item) for item in value))
    return ("other", value)


class Compiler:
    """Compiles schemas that ``$ref`` into one shared definitions document."""

    #: How the schemas point into the definitions document: from a kind's
    #: schema (absolute) and from inside the definitions (relative).
    PREFIXES: tuple[str, ...] = ("/api/_definitions.json#/$defs/", "#/$defs/")

    def __init__(
        self,
        definitions: Mapping[str, Any],
        extra: Mapping[str, Callable[[Compiler, Any, Any], Check | None]] | None = None,
        *,
        prefixes: tuple[str, ...] | None = None,
        draft7: bool = False,
        search: Callable[[str], Search] = compile_search,
    ) -> None:
        self.definitions = definitions
        #: How a ``pattern`` is compiled: RE2 (linear time) unless the schema is kgen's own.
        self.search = search
        self.refs: dict[str, Check] = {}
        self.keywords = {**_KEYWORDS, **(extra or {})}
        if prefixes is not None:
            self.PREFIXES = prefixes
        #: Draft 7: a schema with ``$ref`` is that reference alone (its other keywords are ignored).
        self.draft7 = draft7

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, Mapping):
            raise Unsupported(f"schema is a {type(schema).__name__}")
        if self.draft7 and "$ref" in schema:
            return self.ref(schema["$ref"])
        fused = _closed_object(self, schema)
        if fused is not None:
            return fused
        checks: list[Check] = []
        for keyword, argument in schema.items():
            if keyword in ANNOTATIONS or keyword.startswith("x-"):
                continue
            build = self.keywords.get(keyword)
            if build is None:
                raise Unsupported(keyword)
            found = build(self, argument, schema)
            if found is not None:
                checks.append(found)
        if not checks:
            return lambda value: True
        if len(checks) == 1:
            return checks[0]
        return _every(checks)

    def ref(self, target: str) -> Check:
        """A check for ``$ref``, compiled once and resolved late (schemas are recursive)."""
        name = next((target[len(p) :] for p in self.PREFIXES if target.startswith(p)), None)
        if name is None or name not in self.definitions:
            raise Unsupported(f"$ref {target}")
        found = self.refs.get(name)
        if found is not None:
            return found
        target = name
        slot: list[Check] = []
        self.refs[target] = lambda value: slot[0](value)
        try:
            slot.append(self.compile(self.definitions[name]))
        except Unsupported:
            del self.refs[target]
            raise
        return self.refs[target]


_CLOSED_OBJECT = frozenset({"type", "properties", "additionalProperties", "required"})


def _closed_object(compiler: Compiler, schema: Mapping[str, Any]) -> Check | None:
    """The commonest node of a strict schema, ``{type: object, properties, additionalProperties: false,
    required?}``, as one loop over the value's fields (what the separate keywords check, together)."""
    if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
        return None
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return None
    if any(key not in _CLOSED_OBJECT and key not in ANNOTATIONS and not key.startswith("x-") for key in schema):
        return None
    compiled = {name: compiler.compile(sub) for name, sub in properties.items()}
    names = frozenset(schema.get("required", ()))

    def check(value: Any) -> bool:
        if not isinstance(value, dict) or not value.keys() >= names:
            return False
        for name, item in value.items():
            sub = compiled.get(name)
            if sub is None or not sub(item):
                return False
        return True

    return check


def _every(checks: list[Check]) -> Check:
    """All of ``checks`` hold (a loop: cheaper than all() over a generator for a few checks)."""

    def check(value: Any) -> bool:
        for sub in checks:
            if not sub(value):
                return False
        return True

    return check


def _type(compiler: Compiler, argument: Any, schema: Any) -> Check:
    names = argument if isinstance(argument, list) else [argument]
    try:
        tests = [_TYPES[name] for name in names]
    except KeyError as exc:
        raise Unsupported(f"type {exc}") from None
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _properties(compiler: Compiler, argument: Any, schema: Any) -> Check:
    compiled = {name: compiler.compile(sub) for name, sub in argument.items()}

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, item in value.items():
            sub = compiled.get(name)
            if sub is not None and not sub(item):
                return False
        return True

    return check


def _additional(compiler: Compiler, argument: Any, schema: Any) -> Check:
    known = frozenset(schema.get("properties", {}))
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    if argument is False:
        return lambda value: not isinstance(value, dict) or known.issuperset(value)
    sub = compiler.compile(argument)
    return lambda value: not isinstance(value, dict) or all(
        name in known or sub(item) for name, item in value.items()
    )


def _required(compiler: Compiler, argument: Any, schema: Any) -> Check:
    names = frozenset(argument)
    return lambda value: not isinstance(value, dict) or value.keys() >= names


def _items(compiler: Compiler, argument: Any, schema: Any) -> Check:
    if not isinstance(argument, Mapping) and not isinstance(argument, bool):
        raise Unsupported("items as a list")
    sub = compiler.compile(argument)
    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        for item in value:
            if not sub(item):
                return False
        return True

    return check


def _enum(compiler: Compiler, argument: Any, schema: Any) -> Check:
    allowed = {_enum_key(item) for item in argument}
    return lambda value: _enum_key(value) in allowed


def _one_of(compiler: Compiler, argument: Any, schema: Any) -> Check:
    subs = [compiler.compile(sub) for sub in argument]
    return lambda value: sum(1 for sub in subs if sub(value)) == 1


def _any_of(compiler: Compiler, argument: Any, schema: Any) -> Check:
    subs = [compiler.compile(sub) for sub in argument]
    return lambda value: any(sub(value) for sub in subs)


def _all_of(compiler: Compiler, argument: Any, schema: Any) -> Check:
    subs = [compiler.compile(sub) for sub in argument]
    return _every(subs)


def _ref(compiler: Compiler, argument: Any, schema: Any) -> Check:
    return compiler.ref(argument)


def _const(compiler: Compiler, argument: Any, schema: Any) -> Check:
    wanted = _enum_key(argument)
    return lambda value: _enum_key(value) == wanted


def _not(compiler: Compiler, argument: Any, schema: Any) -> Check:
    sub = compiler.compile(argument)
    return lambda value: not sub(value)


def _contains(compiler: Compiler, argument: Any, schema: Any) -> Check:
    if "minContains" in schema or "maxContains" in schema:
        raise Unsupported("minContains")
    sub = compiler.compile(argument)
    return lambda value: not isinstance(value, list) or any(sub(item) for item in value)


def _if(compiler: Compiler, argument: Any, schema: Any) -> Check:
    condition = compiler.compile(argument)
    then = compiler.compile(schema.get("then", True))
    otherwise = compiler.compile(schema.get("else", True))
    return lambda value: then(value) if condition(value) else otherwise(value)


def _with_if(compiler: Compiler, argument: Any, schema: Any) -> None:
    """``then`` and ``else`` are part of ``if`` (alone, they assert nothing)."""
    return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bound(test: Callable[[Any, Any], bool]) -> Callable[[Compiler, Any, Any], Check]:
    def build(compiler: Compiler, argument: Any, schema: Any) -> Check:
        return lambda value: not _number(value) or test(value, argument)

    return build


def _length(test: Callable[[int, int], bool], kind: type[Sized]) -> Callable[[Compiler, Any, Any], Check]:
    def build(compiler: Compiler, argument: Any, schema: Any) -> Check:
        return lambda value: not isinstance(value, kind) or test(len(value), argument)

    return build


def _pattern(compiler: Compiler, argument: Any, schema: Any) -> Check:
    search = compiler.search(argument)  # anchored only where the pattern says (as jsonschema)
    return lambda value: not isinstance(value, str) or search(value)


def _unique(compiler: Compiler, argument: Any, schema: Any) -> Check | None:
    if argument is not True:
        return None

    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        return len({_enum_key(item) for item in value}) == len(value)

    return check


def _property_names(compiler: Compiler, argument: Any, schema: Any) -> Check:
    sub = compiler.compile(argument)
    return lambda value: not isinstance(value, dict) or all(sub(name) for name in value)


_KEYWORDS: dict[str, Callable[[Compiler, Any, Any], Check | None]] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "items": _items,
    "enum": _enum,
    "oneOf": _one_of,
    "anyOf": _any_of,
    "allOf": _all_of,
    "$ref": _ref,
    "const": _const,
    "not": _not,
    "contains": _contains,
    "if": _if,
    "then": _with_if,
    "else": _with_if,
    "minimum": _bound(lambda value, bound: value >= bound),
    "maximum": _bound(lambda value, bound: value <= bound),
    "exclusiveMinimum": _bound(lambda value, bound: value > bound),
    "exclusiveMaximum": _bound(lambda value, bound: value < bound),
    "minLength": _length(lambda size, bound: size >= bound, str),
    "maxLength": _length(lambda size, bound: size <= bound, str),
    "minItems": _length(lambda size, bound: size >= bound, list),
    "maxItems": _length(lambda size, bound: size <= bound, list),
    "minProperties": _length(lambda size, bound: size >= bound, dict),
    "maxProperties": _length(lambda size, bound: size <= bound, dict),
    "pattern": _pattern,
    "uniqueItems": _unique,
    "propertyNames": _property_names,
}
