"""Validate objects against the Kubernetes OpenAPI schemas kubernetes-validate ships.

kubernetes-validate's own ``validate()`` re-reads its 1.8 MB definitions file
and builds a new validator on every call (about 10 ms a document). The same
schema files are used here, with the definitions read once per version and
one validator kept per (apiVersion, kind).
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from kgen.errors import InternalError, KgenError
from kgen.load.yamlload import FieldPath
from kgen.model.fastschema import Check, Compiler, Unsupported
from kgen.model.numbers import digits_value
from kgen.model.quantity import QuantityError, QuantityTooLong, parse_quantity


@dataclass(frozen=True)
class SchemaProblem:
    path: FieldPath
    message: str
    expected_type: str | None = None  # for a type mismatch: the JSON type the field wants
    #: The message without any value from the object (names the field and the rule broken):
    #: what is shown for a Secret, whose values must never be printed.
    value_free: str = ""


def _schema_root() -> Path:
    """kubernetes-validate's schema folder, found without importing it (which imports jsonschema and more)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or spec.origin is None:
        raise InternalError("kubernetes-validate is not installed (kgen needs its schemas)")
    return Path(spec.origin).resolve().parent / "kubernetes-json-schema"


#: Digits read in a version's major or minor number; a longer one is newer than any release.
_VERSION_DIGITS = 9


@lru_cache(maxsize=1)
def available_versions() -> tuple[str, ...]:
    """Kubernetes versions (``1.37``) with schemas, oldest first."""
    found = set()
    for entry in _schema_root().iterdir():
        match = re.match(r"^v(\d+)\.(\d+)\.\d+-local-strict$", entry.name)
        if match:
            found.add((int(match[1]), int(match[2])))
    return tuple(f"{major}.{minor}" for major, minor in sorted(found))


def latest_version() -> str:
    return available_versions()[-1]


def resolve_version(wanted: str, flag: str = "--kubernetes-version") -> str:
    """``v1.30.2`` / ``1.30`` -> the newest shipped version not newer than it.

    ``flag`` names where the version came from in error messages (empty when
    the caller places the message itself, as a config file does).
    """
    said = f"{flag} " if flag else ""
    shown = wanted if len(wanted) <= 40 else f"{wanted[:30]}... ({len(wanted):,} characters)"
    match = re.match(r"^v?([0-9]+)\.([0-9]+)(?:\.[0-9]+)?$", wanted.strip())
    if match is None:
        raise KgenError(f"{said}{shown!r} is not a version like 1.30")
    major, minor = digits_value(match[1], _VERSION_DIGITS), digits_value(match[2], _VERSION_DIGITS)
    if major is None or minor is None:
        raise KgenError(f"{said}{shown} is newer than the newest schemas shipped ({available_versions()[-1]})")
    target = (major, minor)
    candidates = [v for v in available_versions() if _key(v) <= target]
    if not candidates:
        raise KgenError(
            f"{said}{wanted} is older than the oldest schemas shipped ({available_versions()[0]})"
        )
    if target > _key(available_versions()[-1]):
        raise KgenError(
            f"{said}{wanted} is newer than the newest schemas shipped ({available_versions()[-1]})"
        )
    return candidates[-1]


def release(version: str) -> tuple[int, int]:
    """A Kubernetes version (``1.30``, ``1.30.2``, ``v1.30``) as (major, minor), to compare as numbers."""
    major, minor = str(version).strip().lstrip("v").split(".")[:2]
    numbers = digits_value(major, _VERSION_DIGITS), digits_value(minor, _VERSION_DIGITS)
    if numbers[0] is None or numbers[1] is None:
        raise ValueError(f"{version!r} is not a Kubernetes version")
    return (numbers[0], numbers[1])


_key = release


def at_least(version: str, wanted: tuple[int, int]) -> bool:
    """Whether a target version is ``wanted`` (major, minor) or newer."""
    return release(version) >= wanted


def _file_stem(api_version: str, kind: str) -> str:
    # rbac.authorization.k8s.io/v1 -> rbac-v1 (kubernetes-validate's naming)
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{group_version}"


class KubeSchemas:
    """Validators for one Kubernetes version, built on first use and kept."""

    def __init__(self, version: str, strict: bool = True) -> None:
        self.version = resolve_version(version)
        self.strict = strict
        suffix = "-local-strict" if strict else "-local"
        self.folder = _schema_root() / f"v{self.version}.0{suffix}"
        self._schemas: dict[tuple[str, str], Any] = {}  # (apiVersion, kind) -> its schema, None: no schema
        self._validators: dict[tuple[str, str], Any] = {}  # jsonschema's, built when an object fails the fast check
        self._fast: dict[tuple[str, str], Check] = {}
        self._registry: Any = None
        self._compiler: Compiler | None = None
        self._definitions_data: Any = None

    def known(self, api_version: str, kind: str) -> bool:
        return self._schema(api_version, kind) is not None

    def problems(self, obj: dict[str, Any]) -> Iterator[SchemaProblem]:
        """Schema violations of ``obj``; nothing for kinds with no schema (see ``known``).

        A compiled yes/no check answers first; only an object that fails it
        is walked by jsonschema for the detailed errors.
        """
        schema = self._schema(obj.get("apiVersion"), obj.get("kind"))
        if schema is None:
            return
        key = (obj["apiVersion"], obj["kind"])
        fast = self._fast.get(key)
        if fast is not None and fast(obj):
            return
        validator = self._validators.get(key)
        if validator is None:
            validator = self._validators[key] = _validator_class()(schema, registry=self._get_registry())
        yield from self._detailed(validator, obj)

    def _detailed(self, validator: Any, obj: Any) -> Iterator[SchemaProblem]:
        errors = sorted(validator.iter_errors(obj), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        for error in errors:
            path = tuple(error.absolute_path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
                path = path + tuple(extra[:1])  # point at the unknown field itself
            yield SchemaProblem(path, _message(error), _expected_type(error), _value_free_message(error))

    def definition_problems(self, name: str, value: Any, at: FieldPath = ()) -> Iterator[SchemaProblem]:
        """Schema violations of ``value`` against one shared definition
        (``io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta``), at paths from ``at``."""
        key = ("#/$defs", name)
        if key not in self._schemas:
            uri = self._definitions().get("$id", "https://kubernetes.io/api/_definitions.json")
            self._schemas[key] = {"$ref": f"{uri}#/$defs/{name}"}
            try:
                self._fast[key] = self._get_compiler().ref(f"#/$defs/{name}")
            except Unsupported:
                pass
        fast = self._fast.get(key)
        if fast is not None and fast(value):
            return
        if key not in self._validators:
            self._validators[key] = _validator_class()(self._schemas[key], registry=self._get_registry())
        for problem in self._detailed(self._validators[key], value):
            yield SchemaProblem(at + problem.path, problem.message, problem.expected_type, problem.value_free)

    def served_api_versions(self, kind: str) -> tuple[str, ...]:
        """Every apiVersion this release serves ``kind`` at (built-in kinds), sorted."""
        if not _KIND.match(kind):
            return ()
        found: set[str] = set()
        for path in sorted(self.folder.glob(f"{kind.lower()}-*.json")):
            with open(path, encoding="utf-8") as handle:
                schema = json.load(handle)
            if kind in _kinds_of(schema):
                found |= _api_versions_of(schema)
        return tuple(sorted(found))

    def _schema(self, api_version: Any, kind: Any) -> Any:
        if not isinstance(api_version, str) or not isinstance(kind, str):
            return None
        key = (api_version, kind)
        if key in self._schemas:
            return self._schemas[key]
        found = None
        path = self.folder / f"{_file_stem(api_version, kind)}.json"
        if _API_VERSION.match(api_version) and _KIND.match(kind) and _is_file(path):
            with open(path, encoding="utf-8") as handle:
                schema = json.load(handle)
            if kind in _kinds_of(schema) and api_version in _api_versions_of(schema):
                found = schema
                try:
                    self._fast[key] = self._get_compiler().compile(schema)
                except Unsupported:
                    pass  # jsonschema alone, for a schema outside the compiled subset
        self._schemas[key] = found
        return found

    def _definitions(self) -> Any:
        if self._definitions_data is None:
            with open(self.folder / "_definitions.json", encoding="utf-8") as handle:
                definitions = json.load(handle)
            shared = definitions.get("$defs", {})
            if isinstance(shared.get(QUANTITY_DEFINITION), dict):
                shared[QUANTITY_DEFINITION] = {**shared[QUANTITY_DEFINITION], QUANTITY_KEYWORD: True}
            self._definitions_data = definitions
        return self._definitions_data

    def _get_registry(self) -> Any:
        if self._registry is None:
            from referencing import Registry, Resource

            definitions = self._definitions()
            uri = definitions.get("$id", "https://kubernetes.io/api/_definitions.json")
            self._registry = Registry().with_resource(uri, Resource.from_contents(definitions))
        return self._registry

    def _get_compiler(self) -> Compiler:
        if self._compiler is None:
            self._compiler = Compiler(self._definitions().get("$defs", {}), {QUANTITY_KEYWORD: _compiled_quantity})
        return self._compiler


# What a served apiVersion and kind can look like (DNS subdomain group, version; CamelCase kind).
# Anything else has no schema - and never becomes a file name.
_API_VERSION = re.compile(r"^(?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$")
_KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,62}$")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _kinds_of(schema: dict[str, Any]) -> set[str]:
    return {gvk.get("kind") for gvk in schema.get("x-kubernetes-group-version-kind", [])}


def _api_versions_of(schema: dict[str, Any]) -> set[str]:
    found = set()
    for gvk in schema.get("x-kubernetes-group-version-kind", []):
        group, version = gvk.get("group", ""), gvk.get("version", "")
        found.add(f"{group}/{version}" if group else version)
    return found


#: The published schema says a quantity is "a string or a number"; the API server decodes it with
#: resource.ParseQuantity and refuses the whole object when that fails, in these words.
QUANTITY_DEFINITION = "io.k8s.apimachinery.pkg.api.resource.Quantity"
QUANTITY_KEYWORD = "kgenQuantity"
QUANTITY_REFUSED = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#: ParseQuantity's outline; a string of this shape with a suffix it does not know (``1K``, ``1Mb``)
#: is refused with the suffix error instead.
_QUANTITY_SHAPE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")


def quantity_refusal(value: str) -> str:
    """The API server's words for a string ParseQuantity refuses."""
    if _QUANTITY_SHAPE.match(value.strip()):
        return "unable to parse quantity's suffix"
    return QUANTITY_REFUSED


def decodes_as_quantity(value: Any) -> bool:
    """Whether the API server reads ``value`` as a quantity (a number, or a string ParseQuantity takes).
    Other types fail the schema's own type check."""
    if not isinstance(value, str):
        return True
    try:
        parse_quantity(value)
    except QuantityTooLong:
        return True  # more digits than kgen reads: the API server caps such a quantity, it does not refuse it
    except QuantityError:
        return False
    return True


def _compiled_quantity(compiler: Compiler, argument: Any, schema: Any) -> Check | None:
    return decodes_as_quantity if argument is True else None


@lru_cache(maxsize=1)
def _validator_class() -> Any:
    """Draft 2020-12, as kubernetes-validate uses it, with the quantity decoding kgen adds; imported only
    once an object fails the compiled check (a check of valid objects never loads jsonschema)."""
    import jsonschema

    def quantity(validator: Any, enabled: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if enabled is True and not decodes_as_quantity(instance):
            yield jsonschema.ValidationError(f"{_short(instance)} is not a quantity: {quantity_refusal(instance)}")

    return jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator, {QUANTITY_KEYWORD: quantity}
    )


def _expected_type(error: Any) -> str | None:
    """The one JSON type a type mismatch wanted (null aside), if there is one."""
    if error.validator != "type":
        return None
    expected = error.schema.get("type")
    if isinstance(expected, list):
        wanted = [t for t in expected if t != "null"]
        expected = wanted[0] if len(wanted) == 1 else None
    return expected if isinstance(expected, str) else None


def _message(error: Any) -> str:
    validator = error.validator
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown field {', '.join(repr(e) for e in extra)}"
    if validator == "required":
        return str(error.message).replace(" is a required property", " is required")
    if validator == "type":
        expected = error.schema.get("type")
        if isinstance(expected, list):
            expected = " or ".join(t for t in expected if t != "null")
        return f"{_short(error.instance)} is not of type {expected}"
    if validator == "enum":
        return f"{_short(error.instance)} is not one of {error.schema['enum']}"
    message = str(error.message)
    return message if len(message) < 200 else message[:197] + "..."


def _value_free_message(error: Any) -> str:
    """What is wrong, naming fields, types and allowed values (from the schema), never the value."""
    validator = error.validator
    if validator in ("additionalProperties", "required"):
        return _message(error)  # field names only
    if validator == "type":
        expected = error.schema.get("type")
        if isinstance(expected, list):
            expected = " or ".join(t for t in expected if t != "null")
        return f"{_json_type(error.instance)} is not of type {expected} (value not shown)"
    if validator == "enum":
        return f"value is not one of {error.schema['enum']} (value not shown)"
    if validator == QUANTITY_KEYWORD:
        return f"value is not a quantity: {quantity_refusal(str(error.instance))} (value not shown)"
    return f"value does not satisfy the schema's {validator!r} rule (value not shown)"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
