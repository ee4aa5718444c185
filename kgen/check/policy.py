"""Policies are data: one YAML file per rule, validated and compiled here.

A policy either carries a JSON Schema predicate (the target passes when it
validates) or names a logic module ``kgen.check.logic.<name>`` for what a
schema cannot say. Parameters are substituted into schemas as values
(``{$param: max}``), never by text templating.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Protocol

import jsonschema

from kgen.check.result import RuleInfo
from kgen.errors import ConfigError, KgenError, Location
from kgen.load.yamlload import Document, FieldPath, load_text
from kgen.resources import data_dir, load_schema

TARGETS = ("Object", "PodSpec", "Container")
_LOGIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Violation:
    """What a rule found and where, relative to its target."""

    message: str
    path: FieldPath = ()
    severity: str | None = None  # only for rules whose severity depends on the case


class Logic(Protocol):
    """A code rule: ``check(target, ctx, params)`` yields violations."""

    def __call__(self, target: Any, ctx: Any, params: Mapping[str, Any]) -> Iterator[Violation]: ...


@dataclass(frozen=True)
class Policy:
    id: str
    severity: str
    title: str
    description: str
    rationale: str
    remediation: str
    target: str
    kinds: tuple[str, ...] = ()  # empty: every kind the target applies to
    exclude_kinds: tuple[str, ...] = ()
    containers: str = "all"  # all | long-running
    params: Mapping[str, Any] = field(default_factory=dict)
    schema: Mapping[str, Any] | None = None
    message: str = ""
    logic: str | None = None
    engine: bool = False  # produced by the engine itself (yaml-invalid, schema-invalid, api-deprecated)
    cross_object: bool = False
    examples: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    source: str = ""

    def info(self, severity: str | None = None) -> RuleInfo:
        return RuleInfo(
            id=self.id,
            severity=severity or self.severity,
            title=self.title,
            description=self.description,
            rationale=self.rationale,
            remediation=self.remediation,
            tags=self.tags,
        )

    def applies_to_kind(self, kind: str) -> bool:
        if kind in self.exclude_kinds:
            return False
        return not self.kinds or "*" in self.kinds or kind in self.kinds


@dataclass(frozen=True)
class CompiledPolicy:
    """A policy with its parameters resolved and its check ready to run."""

    policy: Policy
    params: Mapping[str, Any]
    validator: Any = None  # jsonschema validator for schema predicates
    logic: Logic | None = None
    #: Paths (from the target; "*" for every list index) a cross-object rule may
    #: report: their positions are taken while the document is still at hand.
    paths: tuple[FieldPath, ...] = ()

    @property
    def id(self) -> str:
        return self.policy.id


def builtin_policy_dir() -> Path:
    return data_dir("policies")


def load_policy_dirs(dirs: Iterable[Path]) -> list[Policy]:
    """Every policy file in the folders, in id order; ids must be unique."""
    found: dict[str, Policy] = {}
    for folder in dirs:
        if not folder.is_dir():
            raise ConfigError(f"policy folder not found: {folder}")
        for path in sorted(folder.glob("*.y*ml")):
            policy = load_policy_file(path)
            if policy.id in found:
                raise ConfigError(
                    f"rule id '{policy.id}' is defined twice ({found[policy.id].source} and {path})",
                    Location(str(path)),
                )
            found[policy.id] = policy
    return [found[key] for key in sorted(found)]


def load_policy_file(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read policy file: {exc}", Location(str(path))) from None
    document = single_document(text, str(path), "a policy file")
    if document is None:
        raise ConfigError("a policy file holds exactly one YAML document", Location(str(path), 1, 1))
    return policy_from_document(document)


def single_document(text: str, source: str, what: str) -> Document | None:
    """The one document of a config or policy file (None when it has none)."""
    documents = list(load_text(text, source))
    if len(documents) > 1:
        raise ConfigError(f"{what} holds one YAML document", Location(source, 1, 1))
    if not documents:
        return None
    (document,) = documents
    if isinstance(document, KgenError):
        raise ConfigError(document.message, document.location)
    return document


def first_schema_error(schema_name: str, data: Any) -> Any:
    """The first error (in path order) of ``data`` against a schema of kgen's, or None."""
    validator = jsonschema.Draft7Validator(load_schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return errors[0] if errors else None


def policy_from_document(document: Document) -> Policy:
    data = document.data
    error = first_schema_error("policy.schema.json", data)
    if error is not None:
        path = tuple(error.absolute_path)
        raise ConfigError(
            f"invalid policy: {error.message}",
            document.location(path),
            ".".join(map(str, path)) or None,
        )
    if data.get("remediation", "").strip()[-1:] not in (".", "!", "?"):
        raise ConfigError("remediation must be a sentence ending with a period", document.location(("remediation",)))
    logic = data.get("logic")
    cross = False
    if logic is not None:
        module = _logic_module(logic, document)
        cross = bool(getattr(module, "CROSS_OBJECT", False))
    return Policy(
        id=data["id"],
        severity=data["severity"],
        title=data["title"],
        description=" ".join(data["description"].split()),
        rationale=" ".join(data["rationale"].split()),
        remediation=data["remediation"].strip(),
        target=data.get("target", "Object"),
        kinds=tuple(data.get("kinds", ())),
        exclude_kinds=tuple(data.get("excludeKinds", ())),
        containers=data.get("containers", "all"),
        params={name: spec.get("default") for name, spec in data.get("params", {}).items()},
        schema=data.get("schema"),
        message=data.get("message", ""),
        logic=logic,
        engine=bool(data.get("engine", False)),
        cross_object=cross,
        examples=data.get("examples", {}),
        tags=tuple(data.get("tags", ())),
        source=document.source,
    )


def _logic_module(name: str, document: Document) -> Any:
    if not _LOGIC_NAME.match(name):
        raise ConfigError(f"logic name '{name}' is not a module name", document.location(("logic",)))
    try:
        module = importlib.import_module(f"kgen.check.logic.{name}")
    except ModuleNotFoundError:
        raise ConfigError(
            f"logic '{name}' is not a kgen check (no kgen/check/logic/{name}.py)",
            document.location(("logic",)),
        ) from None
    if not callable(getattr(module, "check", None)):
        raise ConfigError(f"logic module '{name}' has no check() function", document.location(("logic",)))
    return module


def compile_policy(policy: Policy, overrides: Mapping[str, Any]) -> CompiledPolicy:
    """Resolve parameters (defaults, then config) and build the check."""
    unknown = sorted(set(overrides) - set(policy.params))
    if unknown:
        raise ConfigError(
            f"rule '{policy.id}' has no parameter {', '.join(repr(u) for u in unknown)} "
            f"(it has: {', '.join(sorted(policy.params)) or 'none'})"
        )
    params = {**policy.params, **overrides}
    if policy.schema is not None:
        schema = substitute_params(policy.schema, params, policy.id)
        validator = make_validator(schema)
        return CompiledPolicy(policy, params, validator=validator)
    if policy.logic is not None:
        module = importlib.import_module(f"kgen.check.logic.{policy.logic}")
        return CompiledPolicy(policy, params, logic=module.check, paths=tuple(getattr(module, "PATHS", ())))
    return CompiledPolicy(policy, params)


def substitute_params(node: Any, params: Mapping[str, Any], rule: str) -> Any:
    """Replace every ``{$param: name}`` in a schema by the parameter's value."""
    if isinstance(node, dict):
        if set(node) == {"$param"}:
            name = node["$param"]
            if name not in params:
                raise ConfigError(f"rule '{rule}' refers to an undefined parameter '{name}'")
            return params[name]
        return {key: substitute_params(value, params, rule) for key, value in node.items()}
    if isinstance(node, list):
        return [substitute_params(item, params, rule) for item in node]
    return node


def make_validator(schema: Mapping[str, Any]) -> Any:
    """A Draft-07 validator with kgen's domain keywords."""
    from kgen.check.keywords import KgenValidator

    try:
        KgenValidator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ConfigError(f"invalid schema predicate: {exc.message}") from None
    return KgenValidator(schema)
