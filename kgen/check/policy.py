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
from functools import cached_property, lru_cache
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol

from kgen.check.result import RuleInfo
from kgen.check.schema_errors import Problem, did_you_mean, is_quantity, problem_of, show
from kgen.errors import ConfigError, KgenError, Location
from kgen.load.files import TooBig, read_regular
from kgen.load.yamlload import Document, FieldPath, load_text
from kgen.model.k8s import PLACES, format_field_path, is_builtin_group, is_place, parse_field_path
from kgen.model.patterns import PatternError, compile_search, is_pattern

if TYPE_CHECKING:  # the rule API's types; targets.py imports this module
    from kgen.check.dockerfiles import DockerfileCheck
    from kgen.check.targets import Context, Target
from kgen.resources import data_dir, load_schema

TARGETS = ("Object", "PodSpec", "Container", "Dockerfile")
#: The target of rules about Dockerfiles: their logic is ``check_dockerfile(dockerfile, params)``.
DOCKERFILE = "Dockerfile"
#: Where docs/rules.md is published; a built-in rule's section is ``#<rule-id>`` (the
#: heading ``## <rule-id>`` that ``kgen rules --format markdown`` writes). SARIF helpUri.
RULES_DOC_URL = "https://kgen.dev/docs/rules.md"
_LOGIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Violation:
    """What a rule found and where, relative to its target."""

    message: str
    path: FieldPath = ()
    severity: str | None = None  # only for rules whose severity depends on the case
    container: str | None = None  # the container it is about, for an Object or PodSpec target's finding


class Logic(Protocol):
    """A code rule: ``check(target, ctx, params)`` yields violations (see kgen.check.api)."""

    def __call__(self, target: "Target", ctx: "Context", params: Mapping[str, Any]) -> Iterator[Violation]: ...


@lru_cache(maxsize=1)
def param_formats() -> Any:
    """JSON Schema formats a parameter may declare: ``quantity`` is a Kubernetes quantity, ``regex``
    (inside a parameter's items or properties) a pattern RE2 compiles (kgen matches it in linear time)."""
    import jsonschema  # only where a parameter or a policy is validated: a check of valid input never needs it

    formats = jsonschema.FormatChecker(formats=())
    formats.checks("quantity")(is_quantity)
    formats.checks("regex")(is_pattern)
    return formats


@lru_cache(maxsize=1)
def _meta_schema() -> Any:
    import jsonschema

    return jsonschema.Draft7Validator(jsonschema.Draft7Validator.META_SCHEMA)


_QUANTITY_KEYWORDS = ("quantityMinimum", "quantityMaximum")
#: Schema keywords whose keys are names (of fields, definitions), never keywords themselves.
_NAMING_KEYWORDS = frozenset({"properties", "patternProperties", "definitions", "$defs", "dependencies"})


@dataclass(frozen=True)
class ParamSpec:
    """One rule parameter: what it means, its default, and the JSON Schema its values must fit."""

    name: str
    description: str
    default: Any
    schema: Mapping[str, Any]

    def problems(self, value: Any) -> list[Problem]:
        """Why ``value`` does not fit this parameter (paths relative to the value), in path order."""
        errors = sorted(self._validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path)))
        return [problem_of(error) for error in errors]

    @cached_property
    def _validator(self) -> Any:
        import jsonschema

        from kgen.check.keywords import kgen_validator

        return kgen_validator()(dict(self.schema), format_checker=param_formats())


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
    traits: tuple[str, ...] = ()  # workload traits that must all hold (kgen.model.k8s.TRAITS)
    containers: str = "all"  # all | long-running
    params: Mapping[str, Any] = field(default_factory=dict)  # name -> default
    param_specs: Mapping[str, ParamSpec] = field(default_factory=dict)
    schema: Mapping[str, Any] | None = None
    message: str = ""
    logic: str | None = None
    engine: bool = False  # produced by the engine itself (yaml-invalid, schema-invalid, api-deprecated)
    enabled: bool = True  # runs unless the config switches it off; False: off until switched on
    cross_object: bool = False
    #: For a cross-object rule: the fields (from the target; "*" for every list
    #: index) its findings may point at, located while the document is at hand.
    reports: tuple[FieldPath, ...] = ()
    examples: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    source: str = ""
    shipped: bool = field(default=False, compare=False)  # kgen's own: validated by the test suite, not on every run

    def info(self, severity: str | None = None) -> RuleInfo:
        return RuleInfo(
            id=self.id,
            severity=severity or self.severity,
            title=self.title,
            description=self.description,
            rationale=self.rationale,
            remediation=self.remediation,
            help_uri=f"{RULES_DOC_URL}#{self.id}" if self.shipped else "",
            tags=self.tags,
        )

    def applies_to_kind(self, kind: str, group: str | None = None) -> bool:
        """Whether the rule looks at objects of this kind (and API group, when given).

        A built-in kind named in ``kinds`` means that kind in its own API
        groups: ``v1/Deployment`` or Knative's ``serving.knative.dev`` Service
        is not a Deployment or a core Service.
        """
        if kind in self.exclude_kinds:
            return False
        if not self.kinds or "*" in self.kinds:
            return True
        if kind not in self.kinds:
            return False
        return group is None or is_builtin_group(kind, group)


@dataclass(frozen=True)
class CompiledPolicy:
    """A policy with its parameters resolved and its check ready to run."""

    policy: Policy
    params: Mapping[str, Any]
    schema: Mapping[str, Any] | None = None  # a schema predicate, its parameters substituted
    #: The predicate compiled to a yes/no check (kgen.model.fastschema); None: jsonschema decides alone.
    holds: Callable[[Any], bool] | None = None
    #: Where a failing object's finding goes, as jsonschema places it (kgen.check.explain); None: jsonschema places it.
    explain: Callable[[Any], FieldPath | None] | None = None
    logic: Logic | None = None

    @cached_property
    def validator(self) -> Any:
        """The jsonschema validator of a schema predicate, built when an object does not pass ``holds``."""
        if self.schema is None:
            return None
        from kgen.check.keywords import kgen_validator

        return kgen_validator()(self.schema)

    @property
    def id(self) -> str:
        return self.policy.id

    @cached_property
    def dockerfile_logic(self) -> "DockerfileCheck | None":
        """A Dockerfile rule's ``check_dockerfile`` (None for an engine rule, or a rule about objects)."""
        if self.policy.target != DOCKERFILE or self.policy.logic is None:
            return None
        check: DockerfileCheck = importlib.import_module(f"kgen.check.logic.{self.policy.logic}").check_dockerfile
        return check

    @property
    def paths(self) -> tuple[FieldPath, ...]:
        return self.policy.reports


def builtin_policy_dir() -> Path:
    return data_dir("policies")


def load_policy_dirs(dirs: Iterable[Path]) -> list[Policy]:
    """Every policy file in the folders, in id order; ids must be unique."""
    found: dict[str, Policy] = {}
    builtin = builtin_policy_dir().resolve()
    for folder in dirs:
        if not folder.is_dir():
            raise ConfigError(f"policy folder not found: {folder}")
        shipped = folder.resolve() == builtin
        prebuilt = shipped_policies(folder) if shipped else None
        for path in sorted(folder.glob("*.y*ml")):
            policy = (prebuilt or {}).get(path.name) or load_policy_file(path, shipped)
            if policy.id in found:
                raise ConfigError(
                    f"rule id '{policy.id}' is defined twice ({found[policy.id].source} and {path})",
                    Location(str(path)),
                )
            found[policy.id] = policy
    return [found[key] for key in sorted(found)]


#: The shipped policies built from their files, marshalled beside this module: reading them costs a
#: run about 2 ms instead of the 15 ms of parsing every file. ``python -m kgen.check.shipped`` writes
#: it after a policy file changes (a test checks that it is current); it is used only when it was
#: made from exactly the files in the folder now, with these fields of Policy and ParamSpec.
SHIPPED_POLICIES = Path(__file__).with_name("shipped-policies.marshal")


def shipped_fingerprint(folder: Path) -> tuple[str, list[str]]:
    """A digest of every policy file in ``folder`` (names and bytes) and of the fields a marshalled
    Policy holds; and the files' names, sorted."""
    try:
        from _blake2 import blake2b  # hashlib's own, without hashlib's OpenSSL start-up
    except ImportError:  # pragma: no cover - not CPython
        from hashlib import blake2b
    from dataclasses import fields

    digest = blake2b(digest_size=20)
    for cls in (Policy, ParamSpec):
        digest.update(repr([(f.name, f.type) for f in fields(cls)]).encode())
    names = []
    for path in sorted(folder.glob("*.y*ml")):
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
        names.append(path.name)
    return digest.hexdigest(), names


def packed_policy(policy: Policy) -> dict[str, Any]:
    """A Policy as marshal writes it: its fields, its ParamSpecs as theirs (``source`` left out: it is
    where the policy is read from)."""
    from dataclasses import astuple, fields

    values = {f.name: getattr(policy, f.name) for f in fields(Policy) if f.name != "source"}
    values["param_specs"] = {name: astuple(spec) for name, spec in policy.param_specs.items()}
    return values


def shipped_policies(folder: Path) -> dict[str, Policy] | None:
    """The marshalled shipped policies by file name, their ``source`` in ``folder``; None when the
    file is missing or was not made from the files there now (they are then parsed)."""
    import marshal

    try:
        digest, packed = marshal.loads(SHIPPED_POLICIES.read_bytes())
        current, _ = shipped_fingerprint(folder)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if digest != current or not isinstance(packed, dict):
        return None
    built: dict[str, Policy] = {}
    for name, values in packed.items():
        specs = {key: ParamSpec(*spec) for key, spec in values.pop("param_specs").items()}
        built[name] = Policy(**values, param_specs=specs, source=str(folder / name))
    return built


#: Policies already built in this process, by file, origin and exact text: a Policy is
#: immutable, and building one (a YAML parse, schema checks) is most of what a check of
#: one small file costs, so a process that checks many times builds each once.
_BUILT: dict[tuple[str, bool, str], Policy] = {}
_BUILT_MAX = 4096
POLICY_MAX_BYTES = 2 * 1024 * 1024  # a policy is a rule's text and schema, not data


def load_policy_file(path: Path, shipped: bool = False) -> Policy:
    try:
        text = read_regular(path, POLICY_MAX_BYTES).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except TooBig as exc:
        message = f"policy file is larger than {POLICY_MAX_BYTES // (1024 * 1024)} MiB ({exc.size} bytes); not read"
        raise ConfigError(message, Location(str(path))) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read policy file: not UTF-8 (byte {exc.start})", Location(str(path))) from None
    except OSError as exc:
        raise ConfigError(f"cannot read policy file: {exc.strerror or exc}", Location(str(path))) from None
    key = (str(path), shipped, text)
    built = _BUILT.get(key)
    if built is not None:
        return built
    document = single_document(text, str(path), "a policy file")
    if document is None:
        raise ConfigError("a policy file holds exactly one YAML document", Location(str(path), 1, 1))
    policy = policy_from_document(document, shipped)
    if len(_BUILT) >= _BUILT_MAX:
        _BUILT.clear()
    _BUILT[key] = policy
    return policy


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
    import jsonschema

    validator = jsonschema.Draft7Validator(load_schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return errors[0] if errors else None


def schema_problem(schema_name: str, data: Any) -> Problem | None:
    """The first problem of ``data`` against a schema of kgen's, as a sentence, or None."""
    error = first_schema_error(schema_name, data)
    return None if error is None else problem_of(error)


def refuse(document: Document, problem: Problem, prefix: FieldPath = ()) -> ConfigError:
    """A ConfigError at the problem's place in ``document``, naming its field."""
    path = prefix + problem.path
    return ConfigError(problem.message, document.location(path), format_field_path(path) or None)


def as_written(value: Any, schema: Mapping[str, Any], text_at: Callable[[FieldPath], str | None], path: FieldPath = ()) -> Any:
    """``value`` with every scalar the schema wants as text taken as it was written.

    YAML reads ``1.30`` as the number 1.3 and ``0x1F`` as 31; where the schema
    says a value is a string, the user meant the text they wrote.
    """
    if isinstance(value, (bool, int, float)) and _wants_text(schema, value):
        written = text_at(path)
        return written if written is not None else value
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [as_written(item, schema["items"], text_at, path + (i,)) for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        out = {}
        for key, item in value.items():
            sub = properties.get(key, extra if isinstance(extra, Mapping) else None)
            out[key] = as_written(item, sub, text_at, path + (key,)) if isinstance(sub, Mapping) else item
        return out
    return value


def _wants_text(schema: Mapping[str, Any], value: Any) -> bool:
    types = schema.get("type")
    names = {types} if isinstance(types, str) else set(types or ())
    if "string" not in names:
        return False
    own = "boolean" if isinstance(value, bool) else "integer" if isinstance(value, int) else "number"
    return own not in names and not (own == "integer" and "number" in names)


def _check_places(document: Document, path: str, where: FieldPath) -> None:
    """A reported path may start at a workload place (``<labels>``), and nowhere else names one."""
    for position, segment in enumerate(parse_field_path(path)):
        if isinstance(segment, str) and ("<" in segment or ">" in segment) and (position > 0 or not is_place(segment)):
            places = ", ".join(f"<{name}>" for name in PLACES)
            raise ConfigError(
                f"'{path}': a path can start at one of the places {places} (where the workload's kind keeps it), "
                "and nowhere else",
                document.location(where),
            )


def policy_from_document(document: Document, shipped: bool = False) -> Policy:
    """A policy from its file. ``shipped`` policies (kgen's own, which a test validates
    against the policy schema, with their parameter schemas and defaults) skip those checks."""
    data = document.data
    problem = None if shipped else schema_problem("policy.schema.json", data)
    if problem is not None:
        error = refuse(document, problem)
        raise ConfigError(f"invalid policy: {error.message}", error.location, error.field)
    if data.get("remediation", "").strip()[-1:] not in (".", "!", "?"):
        raise ConfigError("remediation must be a sentence ending with a period", document.location(("remediation",)))
    specs = _param_specs(document, check=not shipped)
    if data.get("schema") is not None:
        _check_param_uses(document, data["schema"], specs, ("schema",))
    logic = data.get("logic")
    target = data.get("target", "Object")
    if logic is not None and not shipped:  # kgen's own are imported when first needed (the suite imports each)
        _logic_module(logic, document, "check_dockerfile" if target == DOCKERFILE else "check")
    if target == DOCKERFILE:
        _check_dockerfile_policy(document)
    cross = data.get("crossObject")
    if cross is not None and logic is None:
        raise ConfigError("crossObject is for logic rules (a schema predicate sees one object)", document.location(("crossObject",)))
    for index, report in enumerate((cross or {}).get("reports", ())):
        _check_places(document, report, ("crossObject", "reports", index))
    if target == "Object" and not data.get("kinds") and not data.get("workloads") and not data.get("engine"):
        raise ConfigError(
            "an Object policy names what it looks at: kinds (['*'] for every kind) or workloads (traits)",
            document.location(("target",)) if "target" in data else document.location(()),
            "kinds",
        )
    return Policy(
        id=data["id"],
        severity=data["severity"],
        title=data["title"],
        description=" ".join(data["description"].split()),
        rationale=" ".join(data["rationale"].split()),
        remediation=data["remediation"].strip(),
        target=target,
        kinds=tuple(data.get("kinds", ())),
        exclude_kinds=tuple(data.get("excludeKinds", ())),
        traits=tuple(data.get("workloads", ())),
        containers=data.get("containers", "all"),
        params={name: spec.default for name, spec in specs.items()},
        param_specs=specs,
        schema=data.get("schema"),
        message=data.get("message", ""),
        logic=logic,
        engine=bool(data.get("engine", False)),
        enabled=bool(data.get("enabled", True)),
        cross_object=cross is not None,
        reports=tuple(parse_field_path(path.replace("[*]", ".*")) for path in (cross or {}).get("reports", ())),
        examples=data.get("examples", {}),
        tags=tuple(data.get("tags", ())),
        source=document.source,
        shipped=shipped,
    )


def _param_specs(document: Document, check: bool = True) -> dict[str, ParamSpec]:
    """Each declared parameter, its schema checked and its default fitted to it (unless not ``check``)."""
    specs: dict[str, ParamSpec] = {}
    for name, declared in (document.data.get("params") or {}).items():
        schema = {key: value for key, value in declared.items() if key not in ("default", "description")}
        if not check:
            specs[name] = ParamSpec(name, " ".join(declared["description"].split()), declared["default"], schema)
            continue
        import jsonschema

        error = jsonschema.exceptions.best_match(_meta_schema().iter_errors(schema))
        if error is not None:
            where = ("params", name, *error.absolute_path)
            raise ConfigError(
                f"invalid parameter schema: {error.message}", document.location(where), format_field_path(where)
            )
        where = ("params", name, "default")
        default = as_written(declared["default"], schema, lambda path: document.source_text(where + path))
        spec = ParamSpec(name, " ".join(declared["description"].split()), default, schema)
        for problem in spec.problems(default)[:1]:
            error = refuse(document, problem, where)
            raise ConfigError(
                f"the default does not fit the parameter's own schema: {error.message}", error.location, error.field
            )
        specs[name] = spec
    return specs


def _check_param_uses(document: Document, node: Any, specs: Mapping[str, ParamSpec], path: FieldPath) -> None:
    """Every ``{$param: name}`` names a declared parameter; quantity keywords get quantities."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            _check_param_uses(document, item, specs, path + (index,))
        return
    if not isinstance(node, Mapping):
        return
    if set(node) == {"$param"}:
        name = node["$param"]
        if not isinstance(name, str):
            raise ConfigError(
                f"$param takes the name of a parameter, got {show(name)}",
                document.location(path + ("$param",)),
                format_field_path(path + ("$param",)),
            )
        if name not in specs:
            hint = did_you_mean(name, specs) or f" (declared: {', '.join(sorted(specs)) or 'none'})"
            raise ConfigError(
                f"refers to an undefined parameter '{name}'{hint}",
                document.location(path + ("$param",)),
                format_field_path(path),
            )
        return
    names = bool(path) and path[-1] in _NAMING_KEYWORDS  # keys here are field names, not keywords
    for key, value in node.items():
        where = path + (key,)
        if names:
            pass
        elif key in _QUANTITY_KEYWORDS and not (isinstance(value, Mapping) and set(value) == {"$param"}):
            if isinstance(value, (Mapping, list)) or not is_quantity(value):
                what = f"expected a quantity or {{$param: name}}, got {show(value)}" if isinstance(value, (Mapping, list)) else (
                    f"{show(value)} is not a Kubernetes quantity (like 500m, 1, 256Mi or 1Gi)"
                )
                raise ConfigError(
                    what,
                    document.location(where),
                    format_field_path(where),
                )
        elif key == "pattern" and isinstance(value, str):
            _check_pattern(document, value, where)
        elif key == "pattern" and isinstance(value, Mapping) and set(value) == {"$param"}:
            spec = specs.get(value["$param"]) if isinstance(value["$param"], str) else None
            if spec is not None and spec.schema.get("format") != "regex":
                raise ConfigError(
                    f"parameter '{spec.name}' is a pattern here; declare it with format: regex",
                    document.location(("params", spec.name)),
                    format_field_path(("params", spec.name)),
                )
        elif key == "patternProperties" and isinstance(value, Mapping):
            for pattern in value:
                _check_pattern(document, str(pattern), where + (pattern,))
        elif key == "quantityPositive" and not isinstance(value, bool):
            raise ConfigError(f"expected true or false, got {show(value)}", document.location(where), format_field_path(where))
        elif key in _QUANTITY_KEYWORDS and isinstance(value, Mapping) and set(value) == {"$param"}:
            spec = specs.get(value["$param"]) if isinstance(value["$param"], str) else None
            if spec is not None and spec.schema.get("format") != "quantity":
                raise ConfigError(
                    f"parameter '{spec.name}' is compared as a quantity here; declare it with format: quantity",
                    document.location(("params", spec.name)),
                    format_field_path(("params", spec.name)),
                )
        _check_param_uses(document, value, specs, where)


def _check_pattern(document: Document, pattern: str, where: FieldPath) -> None:
    """A pattern of a schema predicate compiles with RE2 (kgen matches patterns in linear time)."""
    try:
        compile_search(pattern)
    except PatternError as exc:
        raise ConfigError(str(exc), document.location(where), format_field_path(where)) from None


def _check_dockerfile_policy(document: Document) -> None:
    """A Dockerfile rule is code (or the engine's): no schema predicate, no kinds, no objects to cross."""
    for key in ("schema", "kinds", "excludeKinds", "workloads", "containers", "crossObject"):
        if key in document.data:
            raise ConfigError(
                f"a Dockerfile rule has no {key} (it looks at Dockerfiles, not Kubernetes objects; its logic "
                "module's check_dockerfile(dockerfile, params) decides)",
                document.location((key,)),
                key,
            )


def _logic_module(name: str, document: Document, function: str = "check") -> Any:
    if not _LOGIC_NAME.match(name):
        raise ConfigError(f"logic name '{name}' is not a module name", document.location(("logic",)))
    try:
        module = importlib.import_module(f"kgen.check.logic.{name}")
    except ModuleNotFoundError:
        raise ConfigError(
            f"logic '{name}' is not a kgen check (no kgen/check/logic/{name}.py)",
            document.location(("logic",)),
        ) from None
    if not callable(getattr(module, function, None)):
        raise ConfigError(f"logic module '{name}' has no {function}() function", document.location(("logic",)))
    return module


def param_problems(policy: Policy, overrides: Mapping[str, Any]) -> list[Problem]:
    """Why config overrides do not fit the policy's parameters (paths start at the parameter name)."""
    problems: list[Problem] = []
    for name, value in overrides.items():
        spec = policy.param_specs.get(name)
        if spec is None:
            declared = sorted(policy.param_specs)
            hint = did_you_mean(name, declared) or f" (it has: {', '.join(declared) or 'none'})"
            problems.append(Problem((name,), f"rule '{policy.id}' has no parameter '{name}'{hint}"))
            continue
        problems.extend(Problem((name, *p.path), p.message) for p in spec.problems(value))
    return problems


def compile_policy(policy: Policy, overrides: Mapping[str, Any]) -> CompiledPolicy:
    """Resolve parameters (defaults, then config) and build the check."""
    for problem in param_problems(policy, overrides)[:1]:
        field_name = format_field_path(("rules", policy.id, "params", *problem.path))
        raise ConfigError(problem.message, None, field_name)
    params = {**policy.params, **overrides}
    if policy.schema is not None:
        schema = substitute_params(policy.schema, params, policy.id)
        if not policy.shipped or overrides:
            check_predicate(schema)
        holds = fast_predicate(schema)
        return CompiledPolicy(policy, params, schema=schema, holds=holds, explain=_explainer(schema) if holds else None)
    if policy.logic is not None and policy.target != DOCKERFILE:
        return CompiledPolicy(policy, params, logic=LazyLogic(policy.logic))
    return CompiledPolicy(policy, params)


class LazyLogic:
    """A rule's ``check``, its module imported on the first call: a run imports only the rules that
    look at something it checks (a start-up of a hundred modules is most of a small run)."""

    __slots__ = ("name", "_check")

    def __init__(self, name: str) -> None:
        self.name = name
        self._check: Logic | None = None

    def __call__(self, target: "Target", ctx: "Context", params: Mapping[str, Any]) -> Iterator[Violation]:
        check = self._check
        if check is None:
            check = self._check = importlib.import_module(f"kgen.check.logic.{self.name}").check
        return check(target, ctx, params)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyLogic, (self.name,))  # to a worker process by name


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


def check_predicate(schema: Mapping[str, Any]) -> None:
    """Refuse a schema predicate that is not a valid Draft-07 schema."""
    import jsonschema

    from kgen.check.keywords import kgen_validator

    try:
        kgen_validator().check_schema(schema, format_checker=None)  # patterns: compiled by RE2 at load
    except jsonschema.SchemaError as exc:
        raise ConfigError(f"invalid schema predicate: {exc.message}") from None


def _explainer(schema: Mapping[str, Any]) -> Callable[[Any], FieldPath | None] | None:
    from kgen.check.explain import explainer

    return explainer(schema)


def fast_predicate(schema: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    """A schema predicate compiled to a yes/no check, exact where it compiles; None where it does not."""
    from kgen.check.keywords import FAST_KEYWORDS
    from kgen.model.fastschema import Compiler, Unsupported

    try:
        return Compiler({}, FAST_KEYWORDS).compile(schema)
    except Unsupported:
        return None
