"""Custom resources validated against their CustomResourceDefinitions.

A CRD (``apiextensions.k8s.io/v1``) gives each version of its kind a
structural OpenAPI v3 schema (``versions[].schema.openAPIV3Schema``). The API
server reads it with structural-schema semantics, which differ from plain
JSON Schema, and so does this module:

- fields a schema does not name are pruned; kubectl apply's default
  (``--validate=strict``, server-side field validation since Kubernetes 1.27)
  refuses them instead, so an unknown field is a problem, as it is for
  built-in kinds; ``x-kubernetes-preserve-unknown-fields: true`` allows them;
- ``x-kubernetes-int-or-string: true`` takes an integer or a string;
- ``x-kubernetes-embedded-resource: true`` is an object with ``apiVersion``
  and ``kind`` (both required) and an ObjectMeta ``metadata``;
- a required field that has a ``default`` is not missing: the API server
  fills it in before it validates;
- ``nullable: true`` allows null (null mapping values are absent already);
- ``metadata`` at the root is ObjectMeta, whatever the schema says of it;
- ``status`` is dropped on create when the version has a status subresource.

Not evaluated: ``x-kubernetes-validations`` (CEL rules), ``format`` (the API
server checks a few formats whose exact grammar is Go's), and a ``pattern``
RE2 does not compile. Patterns are matched with RE2 (kgen.model.patterns), the
API server's engine, in time linear in the value (``(a+)+`` included).

Each version's schema is compiled once into closures that walk only the
instance (a valid resource costs one pass over its own fields). Compiling
also finds what makes the API server refuse the CRD itself: an unknown
``type``, a non-structural schema, ``$ref`` (never followed, so a reference
loop cannot hang the check), a schema nested too deep.
"""

from __future__ import annotations

import json
import marshal
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Mapping

from kgen.load.yamlload import FieldPath
from kgen.model.k8s import format_field_path
from kgen.model.kubeschema import SchemaProblem
from kgen.model.patterns import PatternError, compile_search

CRD_API_VERSION = "apiextensions.k8s.io/v1"
CRD_KIND = "CustomResourceDefinition"

#: Deeper than any real CRD (cert-manager's nest about 25 levels); keeps compiling well inside the stack.
MAX_SCHEMA_DEPTH = 60

_TYPES = ("array", "boolean", "integer", "number", "object", "string")

#: Keywords a v1 CRD schema may not use (apiextensions validation forbids them).
_FORBIDDEN: dict[str, str] = {
    "$ref": "$ref is not allowed in a CustomResourceDefinition schema; write the referenced schema out in place",
    "definitions": "definitions is not allowed in a CustomResourceDefinition schema",
    "id": "id is not allowed in a CustomResourceDefinition schema",
    "$schema": "$schema is not allowed in a CustomResourceDefinition schema",
    "patternProperties": "patternProperties is not allowed in a CustomResourceDefinition schema",
    "dependencies": "dependencies is not allowed in a CustomResourceDefinition schema",
    "additionalItems": "additionalItems is not allowed in a CustomResourceDefinition schema",
}

_FORBIDDEN_KEYS = frozenset(_FORBIDDEN)

Problems = list[SchemaProblem]
Validate = Callable[[Any, FieldPath, Problems], None]
#: Validates an ObjectMeta at a path (the built-in schema's definition, by the caller).
MetaCheck = Callable[[Any, FieldPath, Problems], None]


def is_crd(data: Mapping[str, Any]) -> bool:
    return data.get("apiVersion") == CRD_API_VERSION and data.get("kind") == CRD_KIND


def _accept(value: Any, path: FieldPath, out: Problems) -> None:
    return None


def _problem(path: FieldPath, message: str, expected_type: str | None = None) -> SchemaProblem:
    return SchemaProblem(path, message, expected_type, message)


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": _is_integer,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def _int_or_string(value: Any) -> bool:
    return isinstance(value, str) or _is_integer(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _enum_key(value: Any) -> Any:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, (dict, list)):
        return ("json", json.dumps(value, sort_keys=True, default=str))
    return ("other", value)


class _Compiler:
    """One schema (a CRD version's) into closures; the problems that make the CRD refused, at their paths."""

    def __init__(self, meta: MetaCheck | None) -> None:
        self.meta = meta
        self.problems: Problems = []

    def refuse(self, at: FieldPath, message: str) -> None:
        self.problems.append(_problem(at, message))

    def root(self, schema: Any, at: FieldPath) -> Validate:
        _root_refusals(schema, at, self.problems)
        return self.node(schema, at, 0, structural=True, resource="root")

    def node(self, schema: Any, at: FieldPath, depth: int, *, structural: bool, resource: str = "") -> Validate:
        if depth > MAX_SCHEMA_DEPTH:
            self.refuse(at, f"the schema nests deeper than {MAX_SCHEMA_DEPTH} levels")
            return _accept
        if schema is True or (isinstance(schema, dict) and not schema and not structural):
            return _accept
        if not isinstance(schema, dict):
            self.refuse(at, f"{_shown(schema)} is not a schema (a mapping of OpenAPI keywords)")
            return _accept
        _refusals(schema, at, structural, self.problems)
        type_name = schema.get("type")
        type_name = type_name if type_name in _TYPES else None
        int_or_string = schema.get("x-kubernetes-int-or-string") is True
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
        if schema.get("x-kubernetes-embedded-resource") is True:
            resource = resource or "embedded"
        checks: list[Validate] = []
        self._scalar_checks(schema, at, checks)
        if type_name in (None, "object") or "properties" in schema or "additionalProperties" in schema:
            found = self._object(schema, at, depth, structural, preserve, resource)
            if found is not None:
                checks.append(found)
        if "items" in schema:
            checks.append(self._array(schema, at, depth, structural))
        checks.extend(self._junctors(schema, at, depth))
        return _assemble(type_name, int_or_string, schema.get("nullable") is True, checks)

    def _scalar_checks(self, schema: Mapping[str, Any], at: FieldPath, checks: list[Validate]) -> None:
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            allowed = {_enum_key(item) for item in enum}
            shown = json.dumps(enum, default=str)
            shown = shown if len(shown) <= 200 else shown[:197] + "..."

            def check_enum(value: Any, path: FieldPath, out: Problems) -> None:
                if _enum_key(value) not in allowed:
                    out.append(_problem(path, f"{_shown(value)} is not one of {shown}"))

            checks.append(check_enum)
        string = _string_checks(schema, at, self)
        if string is not None:
            checks.append(string)
        number = _number_checks(schema)
        if number is not None:
            checks.append(number)

    def _object(
        self, schema: Mapping[str, Any], at: FieldPath, depth: int, structural: bool, preserve: bool, resource: str
    ) -> Validate | None:
        raw = schema.get("properties")
        properties: dict[str, Validate] = {}
        defaulted: set[str] = set()
        if isinstance(raw, dict):
            for name, sub in raw.items():
                if resource == "root" and name in ("apiVersion", "kind"):
                    continue
                if resource and name == "metadata":
                    # ObjectMeta whatever the schema says; its name and generateName constraints apply too
                    properties[name] = self.node(sub, at + ("properties", name), depth + 1, structural=False)
                    continue
                properties[name] = self.node(sub, at + ("properties", name), depth + 1, structural=structural)
                if isinstance(sub, dict) and "default" in sub:
                    defaulted.add(name)
        elif raw is not None:
            self.refuse(at + ("properties",), "properties is a mapping of field names to schemas")
        extra = schema.get("additionalProperties")
        additional: Validate | None = None
        if isinstance(extra, dict):
            additional = self.node(extra, at + ("additionalProperties",), depth + 1, structural=structural)
        open_ended = preserve or extra is True or isinstance(extra, dict) or not structural
        required = [
            name for name in (schema.get("required") or ()) if isinstance(name, str) and name not in defaulted
        ]
        if resource == "embedded":
            required = ["apiVersion", "kind", *required]
        implicit = ("apiVersion", "kind", "metadata") if resource else ()
        low, high = schema.get("minProperties"), schema.get("maxProperties")
        meta = self.meta if resource else None
        if not properties and open_ended and additional is None and not required and not implicit:
            if low is None and high is None:
                return None

        def check(value: Any, path: FieldPath, out: Problems) -> None:
            if not isinstance(value, dict):
                return
            for name, item in value.items():
                sub = properties.get(name)
                if sub is not None:
                    sub(item, path + (name,), out)
                    if name == "metadata" and meta is not None:
                        meta(item, path + (name,), out)
                elif name in implicit:
                    if name == "metadata" and meta is not None:
                        meta(item, path + (name,), out)
                    elif name != "metadata" and not isinstance(item, str):
                        out.append(_problem(path + (name,), f"{_shown(item)} is not of type string", "string"))
                elif additional is not None:
                    additional(item, path + (name,), out)
                elif not open_ended:
                    out.append(_problem(path + (name,), f"unknown field {name!r}"))
            for name in required:
                if name not in value:
                    out.append(_problem(path, f"{name!r} is required"))
            if isinstance(low, int) and len(value) < low:
                out.append(_problem(path, f"should have at least {low} properties"))
            if isinstance(high, int) and len(value) > high:
                out.append(_problem(path, f"should have at most {high} properties"))

        return check

    def _array(self, schema: Mapping[str, Any], at: FieldPath, depth: int, structural: bool) -> Validate:
        items = self.node(schema["items"], at + ("items",), depth + 1, structural=structural)
        low, high = schema.get("minItems"), schema.get("maxItems")
        list_type = schema.get("x-kubernetes-list-type")
        keys = tuple(k for k in (schema.get("x-kubernetes-list-map-keys") or ()) if isinstance(k, str))

        def check(value: Any, path: FieldPath, out: Problems) -> None:
            if not isinstance(value, list):
                return
            for index, item in enumerate(value):
                items(item, path + (index,), out)
            if isinstance(low, int) and len(value) < low:
                out.append(_problem(path, f"should have at least {low} items"))
            if isinstance(high, int) and len(value) > high:
                out.append(_problem(path, f"should have at most {high} items"))
            if list_type == "set" or (list_type == "map" and keys):
                _unique(value, path, out, keys if list_type == "map" else ())

        return check

    def _junctors(self, schema: Mapping[str, Any], at: FieldPath, depth: int) -> Iterator[Validate]:
        """allOf, anyOf, oneOf and not: value validations only (the main schema decides which fields exist)."""
        for keyword in ("allOf", "anyOf", "oneOf"):
            raw = schema.get(keyword)
            if raw is None:
                continue
            if not isinstance(raw, list):
                self.refuse(at + (keyword,), f"{keyword} is a list of schemas")
                continue
            subs = [self.node(sub, at + (keyword, i), depth + 1, structural=False) for i, sub in enumerate(raw)]
            yield _junctor(keyword, subs)
        if "not" in schema:
            negated = self.node(schema["not"], at + ("not",), depth + 1, structural=False)

            def check_not(value: Any, path: FieldPath, out: Problems) -> None:
                found: Problems = []
                negated(value, path, found)
                if not found:
                    out.append(_problem(path, "must not match the schema in not"))

            yield check_not


def _root_refusals(schema: Any, at: FieldPath, out: Problems) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("type") not in (None, "object"):
        out.append(_problem(at + ("type",), f"{_shown(schema.get('type'))} must be object at the root"))
    properties = schema.get("properties")
    metadata = properties.get("metadata") if isinstance(properties, dict) else None
    fields = metadata.get("properties") if isinstance(metadata, dict) else None
    if isinstance(fields, dict):
        for name in fields:
            if name not in ("name", "generateName"):
                out.append(
                    _problem(
                        at + ("properties", "metadata", "properties", name),
                        "a schema for metadata may only constrain name and generateName (metadata is ObjectMeta)",
                    )
                )


def _refusals(schema: dict[str, Any], at: FieldPath, structural: bool, out: Problems) -> None:
    """What makes the API server refuse this one schema node (its children aside)."""
    if not _FORBIDDEN_KEYS.isdisjoint(schema):
        for keyword, message in _FORBIDDEN.items():
            if keyword in schema:
                out.append(_problem(at + (keyword,), message))
    type_name = schema.get("type")
    int_or_string = schema.get("x-kubernetes-int-or-string") is True
    preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
    if type_name is not None and type_name not in _TYPES:
        out.append(_problem(at + ("type",), f"{_shown(type_name)} is not a type; supported values: {', '.join(_TYPES)}"))
        type_name = None
    if int_or_string and type_name is not None:
        out.append(_problem(at + ("type",), "type must be empty when x-kubernetes-int-or-string is true"))
    if structural and "type" not in schema and not int_or_string and not preserve:
        out.append(_problem(at, "type is required (a structural schema names the type of every field)"))
    if schema.get("x-kubernetes-embedded-resource") is True:
        if type_name not in (None, "object"):
            out.append(_problem(at + ("type",), "must be object when x-kubernetes-embedded-resource is true"))
        if not preserve and not schema.get("properties"):
            out.append(
                _problem(at, "x-kubernetes-embedded-resource needs properties or x-kubernetes-preserve-unknown-fields")
            )
    if "additionalProperties" in schema:
        if "properties" in schema:
            out.append(
                _problem(at + ("additionalProperties",), "additionalProperties and properties are mutual exclusive")
            )
        if schema["additionalProperties"] is False:
            out.append(_problem(at + ("additionalProperties",), "additionalProperties cannot be set to false"))
    if schema.get("uniqueItems") is True:
        out.append(
            _problem(
                at + ("uniqueItems",), "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"
            )
        )
    if structural and type_name == "array" and "items" not in schema:
        out.append(_problem(at, "items is required for an array"))


def _walk_refusals(root: Any, at: FieldPath, out: Problems) -> None:
    """Every refusal in a version's schema, without compiling it (what a CRD's own check needs)."""
    _root_refusals(root, at, out)
    stack: list[tuple[Any, FieldPath, int, bool, bool]] = [(root, at, 0, True, True)]
    while stack:
        schema, here, depth, structural, resource = stack.pop()
        if depth > MAX_SCHEMA_DEPTH:
            out.append(_problem(here, f"the schema nests deeper than {MAX_SCHEMA_DEPTH} levels"))
            continue
        if schema is True or (isinstance(schema, dict) and not schema and not structural):
            continue
        if not isinstance(schema, dict):
            out.append(_problem(here, f"{_shown(schema)} is not a schema (a mapping of OpenAPI keywords)"))
            continue
        _refusals(schema, here, structural, out)
        resource = resource or schema.get("x-kubernetes-embedded-resource") is True
        children: list[tuple[Any, FieldPath, int, bool, bool]] = []
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                plain = structural and not (resource and name == "metadata")
                children.append((sub, here + ("properties", name), depth + 1, plain, False))
        elif properties is not None:
            out.append(_problem(here + ("properties",), "properties is a mapping of field names to schemas"))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            children.append((extra, here + ("additionalProperties",), depth + 1, structural, False))
        if "items" in schema:
            children.append((schema["items"], here + ("items",), depth + 1, structural, False))
        for keyword in ("allOf", "anyOf", "oneOf"):
            subs = schema.get(keyword)
            if isinstance(subs, list):
                children.extend((sub, here + (keyword, i), depth + 1, False, False) for i, sub in enumerate(subs))
            elif subs is not None:
                out.append(_problem(here + (keyword,), f"{keyword} is a list of schemas"))
        if "not" in schema:
            children.append((schema["not"], here + ("not",), depth + 1, False, False))
        stack.extend(reversed(children))


def _assemble(type_name: str | None, int_or_string: bool, nullable: bool, checks: list[Validate]) -> Validate:
    test = _int_or_string if int_or_string else _TYPE_TESTS.get(type_name or "")
    wanted = "integer or string" if int_or_string else type_name
    expected = "string" if type_name == "string" else None

    def check(value: Any, path: FieldPath, out: Problems) -> None:
        if value is None:
            if nullable or test is None:
                return
            out.append(_problem(path, f"null is not of type {wanted}", expected))
            return
        if test is not None and not test(value):
            out.append(_problem(path, f"{_shown(value)} is not of type {wanted}", expected))
            return
        for sub in checks:
            sub(value, path, out)

    return check


def _junctor(keyword: str, subs: list[Validate]) -> Validate:
    def check(value: Any, path: FieldPath, out: Problems) -> None:
        if keyword == "allOf":
            for sub in subs:
                sub(value, path, out)
            return
        passing = 0
        for sub in subs:
            found: Problems = []
            sub(value, path, found)
            passing += not found
        if keyword == "anyOf" and passing == 0:
            out.append(_problem(path, "does not match any of the schemas in anyOf"))
        elif keyword == "oneOf" and passing != 1:
            how = "none" if passing == 0 else f"{passing}"
            out.append(_problem(path, f"must match exactly one of the schemas in oneOf; it matches {how}"))

    return check


def _string_checks(schema: Mapping[str, Any], at: FieldPath, compiler: _Compiler) -> Validate | None:
    low, high, pattern = schema.get("minLength"), schema.get("maxLength"), schema.get("pattern")
    regex = None
    if isinstance(pattern, str):
        try:
            regex = compile_search(pattern)  # RE2: the API server's engine, linear in the value
        except PatternError:
            regex = None  # beyond RE2's limits: not evaluated (see the module's doc)
    if low is None and high is None and regex is None:
        return None

    def check(value: Any, path: FieldPath, out: Problems) -> None:
        if not isinstance(value, str):
            return
        if isinstance(high, int) and len(value) > high:
            out.append(_problem(path, f"{_shown(value)} should be at most {high} chars long"))
        if isinstance(low, int) and len(value) < low:
            out.append(_problem(path, f"{_shown(value)} should be at least {low} chars long"))
        if regex is not None and not regex(value):
            out.append(_problem(path, f"{_shown(value)} should match {pattern!r}"))

    return check


def _number_checks(schema: Mapping[str, Any]) -> Validate | None:
    low: Any = schema.get("minimum") if _number(schema.get("minimum")) else None
    high: Any = schema.get("maximum") if _number(schema.get("maximum")) else None
    step: Any = schema.get("multipleOf") if _number(schema.get("multipleOf")) and schema["multipleOf"] > 0 else None
    if low is None and high is None and step is None:
        return None
    above = schema.get("exclusiveMinimum") is True  # OpenAPI v3.0: a flag on minimum
    below = schema.get("exclusiveMaximum") is True

    def check(value: Any, path: FieldPath, out: Problems) -> None:
        if not _number(value):
            return
        if low is not None and (value <= low if above else value < low):
            out.append(_problem(path, f"{_shown(value)} should be greater than {'' if above else 'or equal to '}{low}"))
        if high is not None and (value >= high if below else value > high):
            out.append(_problem(path, f"{_shown(value)} should be less than {'' if below else 'or equal to '}{high}"))
        if step is not None and (value / step) % 1 != 0:
            out.append(_problem(path, f"{_shown(value)} should be a multiple of {step}"))

    return check


def _unique(items: list[Any], path: FieldPath, out: Problems, keys: tuple[str, ...]) -> None:
    """x-kubernetes-list-type: set (whole items) or map (items keyed by the list-map-keys)."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if keys:
            if not isinstance(item, dict):
                continue
            key = json.dumps([item.get(k) for k in keys], sort_keys=True, default=str)
        else:
            key = json.dumps(item, sort_keys=True, default=str)
        first = seen.setdefault(key, index)
        if first != index:
            if keys:
                named = ", ".join(f"{k}={_shown(item.get(k))}" for k in keys)
                out.append(_problem(path + (index,), f"duplicate entry ({named}), already at index {first}"))
            else:
                out.append(_problem(path + (index,), f"duplicate entry {_shown(item)}, already at index {first}"))


@dataclass
class CompiledVersion:
    validate: Validate
    problems: Problems  # why the API server refuses this version's schema; the validator is unused if any
    status_subresource: bool


@dataclass
class Definition:
    """One CRD as the check uses it: its kind, versions, and each version's schema compiled on first use."""

    name: str
    group: str
    kind: str
    origin: str  # file:line, for messages
    data: Mapping[str, Any]
    versions: dict[str, tuple[int, Mapping[str, Any]]] = field(default_factory=dict)  # name -> (index, version)
    compiled: dict[str, CompiledVersion] = field(default_factory=dict)

    @property
    def served(self) -> list[str]:
        return [name for name, (_, version) in self.versions.items() if version.get("served") is True]

    def compile(self, version: str, meta: MetaCheck | None) -> CompiledVersion:
        found = self.compiled.get(version)
        if found is None:
            index, data = self.versions[version]
            found = compile_version(data, ("spec", "versions", index), meta)
            self.compiled[version] = found
        return found


def compile_version(version: Mapping[str, Any], at: FieldPath, meta: MetaCheck | None) -> CompiledVersion:
    compiler = _Compiler(meta)
    schema = version.get("schema")
    root = schema.get("openAPIV3Schema") if isinstance(schema, dict) else None
    subresources = version.get("subresources")
    status = isinstance(subresources, dict) and isinstance(subresources.get("status"), dict)
    if root is None:
        compiler.refuse(at + ("schema",), "schema.openAPIV3Schema is required (schemas are required)")
        return CompiledVersion(_accept, compiler.problems, status)
    try:
        validate = compiler.root(root, at + ("schema", "openAPIV3Schema"))
    except RecursionError:
        compiler.refuse(at + ("schema", "openAPIV3Schema"), "the schema nests too deep to be read")
        validate = _accept
    return CompiledVersion(validate, compiler.problems, status)


#: Refusals of schemas walked already, by a cheap fingerprint, each with the schema it belongs to: a CRD
#: is often installed from several manifests of one project (argo-cd ships the same CRDs in four), and
#: comparing two schemas (Python's own deep equality) costs far less than walking one again.
_REFUSALS: dict[Any, list[tuple[Any, tuple[SchemaProblem, ...]]]] = {}
_REFUSALS_MAX = 1_000


def _fingerprint(root: Any) -> Any:
    """Equal schemas have equal fingerprints (different ones usually differ already here)."""
    if not isinstance(root, dict):
        return (type(root).__name__,)
    properties = root.get("properties")
    spec = properties.get("spec") if isinstance(properties, dict) else None
    inner = spec.get("properties") if isinstance(spec, dict) else None
    return (
        tuple(root),
        tuple(properties) if isinstance(properties, dict) else None,
        tuple(inner) if isinstance(inner, dict) else None,
    )


def _refusals_of(root: Any) -> tuple[SchemaProblem, ...]:
    """The refusals of one version's openAPIV3Schema, with paths from that schema."""
    try:
        bucket = _REFUSALS.setdefault(_fingerprint(root), [])
    except TypeError:  # an unhashable key somewhere in the fingerprint: no reuse
        bucket = []
    for seen, found in bucket:
        # == is Python's deep equality, which takes 1, 1.0 and true for one another; the refusals
        # tell them apart (`uniqueItems: 1` is not `true`), so a match is confirmed type for type
        if seen == root and marshal.dumps(seen, 2) == marshal.dumps(root, 2):
            return found
    out: Problems = []
    _walk_refusals(root, (), out)
    found = tuple(out)
    if sum(len(entries) for entries in _REFUSALS.values()) < _REFUSALS_MAX:
        bucket.append((root, found))
    return found


def crd_problems(data: Mapping[str, Any]) -> Iterator[SchemaProblem]:
    """What makes the API server refuse this CRD beyond its OpenAPI schema: its name, and each version's schema."""
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return
    names = spec.get("names")
    group = spec.get("group")
    plural = names.get("plural") if isinstance(names, dict) else None
    metadata = data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if isinstance(plural, str) and isinstance(group, str) and isinstance(name, str) and name != f"{plural}.{group}":
        yield _problem(("metadata", "name"), f"{name!r} must be spec.names.plural+'.'+spec.group ({plural}.{group})")
    versions = spec.get("versions")
    if not isinstance(versions, list):
        return
    for index, version in enumerate(versions):
        if isinstance(version, dict):
            at: FieldPath = ("spec", "versions", index)
            schema = version.get("schema")
            root = schema.get("openAPIV3Schema") if isinstance(schema, dict) else None
            if root is None:
                yield _problem(at + ("schema",), "schema.openAPIV3Schema is required (schemas are required)")
                continue
            where = at + ("schema", "openAPIV3Schema")
            yield from (replace(problem, path=where + problem.path) for problem in _refusals_of(root))


def defined_kind(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (group, kind) a CRD defines, None when it does not name both (then it defines nothing)."""
    spec = data.get("spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("names"), dict):
        return None
    group, kind = spec.get("group"), spec["names"].get("kind")
    return (group, kind) if isinstance(group, str) and isinstance(kind, str) else None


def definition_of(data: Mapping[str, Any], origin: str) -> Definition | None:
    """A CRD's kind and versions, when it names them (a CRD too broken for that defines nothing)."""
    defined = defined_kind(data)
    if defined is None:
        return None
    group, kind = defined
    spec = data["spec"]
    metadata = data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    definition = Definition(name if isinstance(name, str) else f"{kind}.{group}", group, kind, origin, data)
    versions = spec.get("versions") if isinstance(spec, dict) else None
    for index, version in enumerate(versions if isinstance(versions, list) else ()):
        if isinstance(version, dict) and isinstance(version.get("name"), str):
            definition.versions.setdefault(version["name"], (index, version))
    return definition


class CustomResources:
    """The CRDs of a run, by (group, kind); a later CRD of the same kind replaces an earlier one, as apply does."""

    def __init__(self, meta: MetaCheck | None = None, name_check: MetaCheck | None = None) -> None:
        self.meta = meta
        self.name_check = name_check
        self._by_kind: dict[tuple[str, str], Definition] = {}

    def add(self, data: Mapping[str, Any], origin: str) -> None:
        definition = definition_of(data, origin)
        if definition is not None:
            self._by_kind[(definition.group, definition.kind)] = definition

    def __len__(self) -> int:
        return len(self._by_kind)

    def problems(self, obj: Mapping[str, Any], check_names: bool = True) -> Problems | None:
        """The resource's schema problems; None when no CRD defines its kind."""
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            return None
        group, _, version = api_version.rpartition("/")
        definition = self._by_kind.get((group, kind))
        if definition is None:
            return None
        served = definition.served
        if version not in served:
            how = "does not serve it (served: false)" if version in definition.versions else "does not define it"
            use = ", ".join(f"{group}/{v}" for v in served) or "no version"
            message = (
                f"{api_version} is not a version of {kind}: its CustomResourceDefinition {definition.name} "
                f"({definition.origin}) {how}; it serves {use}"
            )
            return [_problem(("apiVersion",), message)]
        compiled = definition.compile(version, self.meta)
        if compiled.problems:
            first = compiled.problems[0]
            where = format_field_path(first.path)
            message = (
                f"{kind} {version} cannot be created: the API server refuses the schema of its "
                f"CustomResourceDefinition {definition.name} ({definition.origin}): {where}: {first.message}"
            )
            return [_problem(("kind",), message)]
        out: Problems = []
        if compiled.status_subresource and "status" in obj:
            obj = {k: v for k, v in obj.items() if k != "status"}  # dropped on create: the status subresource owns it
        compiled.validate(obj, (), out)
        if check_names and self.name_check is not None:
            self.name_check(obj.get("metadata"), ("metadata",), out)
        return out
