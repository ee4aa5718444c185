"""The check engine: sources -> objects -> violations -> located findings.

Rules yield only *what* is wrong and *where* (a path into the object); this
loop stamps rule id, severity, file, line and column, and applies
suppressions, for every rule alike.

Two phases: each file is read once, and single-object rules run while its
node tree is at hand; cross-object rules run last, over the index, and
locate their findings by reading only the documents that have any.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from kgen.check.config import Config, find_config, load_config
from kgen.check.index import ObjectEntry, ObjectIndex
from kgen.check.policy import (
    CompiledPolicy,
    Policy,
    Violation,
    builtin_policy_dir,
    compile_policy,
    load_policy_dirs,
)
from kgen.check.result import (
    SEVERITY_RANK,
    CheckedObject,
    CheckResult,
    Finding,
    ObjectRef,
    RuleInfo,
    Summary,
)
from kgen.check.targets import Context, ObjectTargets, Target
from kgen.errors import ConfigError, InternalError, KgenError, LoadError
from kgen.load.discover import STDIN_NAME, Source, discover, read_text
from kgen.load.yamlload import (
    DEFAULT_LIMITS,
    Document,
    FieldPath,
    Limits,
    helm_syntax,
    load_document_at,
    load_text,
)
from kgen.model.k8s import WorkloadIndex, format_field_path, get_path, pod_template_metadata_path
from kgen.model.kubeschema import KubeSchemas, latest_version

IGNORE_ANNOTATION = "kgen.dev/ignore"
YAML_INVALID = "yaml-invalid"
SCHEMA_INVALID = "schema-invalid"
MAX_SCHEMA_PROBLEMS = 10


@dataclass(frozen=True)
class CheckOptions:
    paths: tuple[str, ...]
    config_path: Path | None = None  # explicit --config
    discover_config: bool = True  # look for .kgen.yaml from the working directory up
    fail_on: str | None = None
    kubernetes_version: str | None = None
    strict: bool | None = None
    schema_validation: bool = True
    policy_dirs: tuple[Path, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    limits: Limits = DEFAULT_LIMITS


@dataclass
class RuleSet:
    """The rules that run, compiled, with their effective severities."""

    compiled: dict[str, CompiledPolicy]
    severities: dict[str, str]
    object_rules: list[CompiledPolicy] = field(default_factory=list)
    cross_rules: list[CompiledPolicy] = field(default_factory=list)

    def enabled(self, rule_id: str) -> bool:
        return rule_id in self.compiled

    def infos(self) -> dict[str, RuleInfo]:
        return {rid: c.policy.info(self.severities[rid]) for rid, c in sorted(self.compiled.items())}


def all_policies(config: Config, extra_dirs: Iterable[Path] = ()) -> list[Policy]:
    return load_policy_dirs([builtin_policy_dir(), *config.policies, *extra_dirs])


def build_ruleset(policies: list[Policy], config: Config, options: CheckOptions) -> RuleSet:
    known = {p.id for p in policies}
    for rule_id in [*config.rules, *options.enable, *options.disable]:
        if rule_id not in known:
            location = config.rule_locations.get(rule_id)
            raise ConfigError(f"unknown rule '{rule_id}' (see `kgen rules`)", location)
    compiled: dict[str, CompiledPolicy] = {}
    severities: dict[str, str] = {}
    for policy in policies:
        setting = config.rules.get(policy.id)
        enabled = setting.enabled if setting and setting.enabled is not None else True
        if policy.id in options.enable:
            enabled = True
        if policy.id in options.disable:
            enabled = False
        if not enabled:
            continue
        compiled[policy.id] = compile_policy(policy, setting.params if setting else {})
        severities[policy.id] = (setting.severity if setting else None) or policy.severity
    rules = RuleSet(compiled, severities)
    for rule in compiled.values():
        if rule.policy.engine:
            continue
        (rules.cross_rules if rule.policy.cross_object else rules.object_rules).append(rule)
    return rules


def run_check(options: CheckOptions) -> CheckResult:
    config_path = options.config_path
    if config_path is None and options.discover_config:
        config_path = find_config(Path.cwd())
    config = load_config(config_path)
    rules = build_ruleset(all_policies(config, options.policy_dirs), config, options)
    strict = options.strict if options.strict is not None else bool(config.strict)
    version = options.kubernetes_version or config.kubernetes_version or latest_version()
    schemas = KubeSchemas(version) if options.schema_validation and rules.enabled(SCHEMA_INVALID) else None
    checker = _Checker(rules, WorkloadIndex(config.workloads), schemas, strict, options.limits)
    checker.kubernetes_version = schemas.version if schemas else version
    for source in discover(options.paths, config.exclude):
        checker.check_source(source)
    checker.check_cross()
    fail_on = options.fail_on or config.fail_on or "warning"
    return checker.result(fail_on)


class _Checker:
    def __init__(
        self,
        rules: RuleSet,
        workloads: WorkloadIndex,
        schemas: KubeSchemas | None,
        strict: bool,
        limits: Limits,
    ) -> None:
        self.rules = rules
        self.workloads = workloads
        self.schemas = schemas
        self.strict = strict
        self.limits = limits
        self.kubernetes_version = ""
        self.index = ObjectIndex()
        self.findings: list[Finding] = []
        self.checked: list[CheckedObject] = []
        self.applied: dict[int, list[str]] = {}
        self.entries: list[ObjectEntry] = []
        self.stdin_text: str | None = None
        self._pending: dict[int, list[tuple[str, Violation, Target | None]]] = {}
        self.files = 0
        self.documents = 0
        self.not_kubernetes = 0
        self.unknown_kind = 0

    # ---- phase 1: one source at a time -------------------------------------------------

    def check_source(self, source: Source) -> None:
        self.files += 1
        try:
            text = read_text(source, self.limits)
        except LoadError as exc:
            self._load_finding(exc, source.name)
            return
        if source.path is None:
            self.stdin_text = text
        where = helm_syntax(text)
        if where is not None:
            self._yaml_invalid(
                source.name,
                where,
                "un-rendered Helm template syntax; this file is not a manifest until it is "
                "rendered (helm template . | kgen check -)",
            )
            return
        for document in load_text(text, source.name, self.limits):
            if isinstance(document, LoadError):
                self._load_finding(document, source.name)
                continue
            self.documents += 1
            self._check_document(document)

    def _check_document(self, document: Document) -> None:
        for base, data in _objects(document.data, ()):
            if not _is_kubernetes(data):
                self.not_kubernetes += 1
                continue
            line, column = document.position(base)
            entry = ObjectEntry(
                ref=_ref(data),
                data=data,
                source=document.source,
                doc_index=document.index,
                base=base,
                line_span=document.line_span,
                line=line,
                column=column,
                pod_spec_path=self.workloads.pod_spec_path(data),
            )
            entry.suppressed_rules = _suppressions(entry)
            self.index.add(entry)
            self.entries.append(entry)
            self.applied[id(entry)] = []
            self._check_object(entry, document)

    def _check_object(self, entry: ObjectEntry, document: Document) -> None:
        if self.schemas is not None:
            self._schema_findings(entry, document)
        targets = ObjectTargets.of(entry)
        context = Context(self.index, self.kubernetes_version)
        for rule in self.rules.object_rules:
            self._run_rule(rule, targets, context, document)
        wanted_later = any(True for rule in self.rules.cross_rules for _ in targets.for_policy(rule.policy))
        if not wanted_later:
            self._release(entry)

    def _schema_findings(self, entry: ObjectEntry, document: Document) -> None:
        assert self.schemas is not None
        api_version, kind = entry.ref.api_version, entry.ref.kind
        if not self.schemas.known(api_version, kind):
            if self.strict:
                self._add(
                    SCHEMA_INVALID,
                    entry,
                    document,
                    Violation(
                        f"no schema for {kind} {api_version} in Kubernetes {self.schemas.version} "
                        "(an unknown kind, or an API version this release does not serve)",
                        ("kind",),
                    ),
                    None,
                )
                self.applied[id(entry)].append(SCHEMA_INVALID)
            else:
                self.unknown_kind += 1
            return
        self.applied[id(entry)].append(SCHEMA_INVALID)
        for count, problem in enumerate(self.schemas.problems(dict(entry.data))):
            if count == MAX_SCHEMA_PROBLEMS:
                break
            field_name = format_field_path(problem.path)
            message = f"{field_name}: {problem.message}" if field_name else problem.message
            self._add(SCHEMA_INVALID, entry, document, Violation(message, problem.path), None)

    def _run_rule(self, rule: CompiledPolicy, targets: ObjectTargets, context: Context, document: Document | None) -> None:
        entry = targets.object.entry
        applied = False
        for target in targets.for_policy(rule.policy):
            applied = True
            for violation in _violations(rule, target, context):
                self._add(rule.id, entry, document, violation, target)
        if applied:
            self.applied[id(entry)].append(rule.id)

    # ---- phase 2: rules across objects ----------------------------------------------------

    def check_cross(self) -> None:
        if not self.rules.cross_rules:
            return
        context = Context(self.index, self.kubernetes_version)
        for entry in self.entries:
            targets = ObjectTargets.of(entry)
            for rule in self.rules.cross_rules:
                self._run_rule(rule, targets, context, None)
        self._locate_pending()

    def _locate_pending(self) -> None:
        """Re-read only the documents that have cross-object findings, to place them."""
        by_source: dict[str, list[ObjectEntry]] = {}
        for entry in self.entries:
            if id(entry) in self._pending:
                by_source.setdefault(entry.source, []).append(entry)
        for source, entries in by_source.items():
            text = self._source_text(source)
            documents: dict[int, Document | None] = {}
            for entry in entries:
                if entry.doc_index not in documents:
                    documents[entry.doc_index] = (
                        load_document_at(text, source, entry.line_span, entry.doc_index, self.limits)
                        if text is not None
                        else None
                    )
                document = documents[entry.doc_index]
                for rule_id, violation, target in self._pending[id(entry)]:
                    self.findings.append(self._finding(rule_id, entry, document, violation, target))

    def _source_text(self, source: str) -> str | None:
        if source == STDIN_NAME:
            return self.stdin_text
        try:
            return read_text(Source(source, Path(source)), self.limits)
        except LoadError:
            return None  # changed since it was read: fall back to the object's start

    # ---- findings ----------------------------------------------------------------------------

    def _add(self, rule_id: str, entry: ObjectEntry, document: Document | None, violation: Violation, target: Target | None) -> None:
        if document is None:
            self._pending.setdefault(id(entry), []).append((rule_id, violation, target))
            return
        self.findings.append(self._finding(rule_id, entry, document, violation, target))

    def _finding(self, rule_id: str, entry: ObjectEntry, document: Document | None, violation: Violation, target: Target | None) -> Finding:
        base = target.path if target is not None else ()
        path = base + violation.path
        if document is not None:
            line, column = document.position(entry.base + path)
        else:
            line, column = entry.line, entry.column
        policy = self.rules.compiled[rule_id].policy
        severity = self.rules.severities[rule_id]
        if violation.severity and severity == policy.severity:
            severity = violation.severity  # a case-dependent default, unless the config overrode it
        container = target.container.name if target is not None and target.container else None
        return Finding(
            rule=rule_id,
            severity=severity,
            message=violation.message,
            file=entry.source,
            line=line,
            column=column,
            object=entry.ref,
            container=container,
            path=format_field_path(path),
            remediation=policy.remediation,
            suppressed=_is_suppressed(rule_id, entry.suppressed_rules),
        )

    def _load_finding(self, error: LoadError, source: str) -> None:
        location = error.location
        line = location.line if location and location.line else 1
        column = location.column if location and location.column else 1
        self._yaml_invalid(source, (line, column), error.message)

    def _yaml_invalid(self, source: str, where: tuple[int, int], message: str) -> None:
        if not self.rules.enabled(YAML_INVALID):
            return
        policy = self.rules.compiled[YAML_INVALID].policy
        self.findings.append(
            Finding(
                rule=YAML_INVALID,
                severity=self.rules.severities[YAML_INVALID],
                message=message,
                file=source,
                line=where[0],
                column=where[1],
                remediation=policy.remediation,
            )
        )

    def _release(self, entry: ObjectEntry) -> None:
        """Drop what no later phase needs (only the index keeps whole objects)."""
        self.checked.append(self._checked(entry))
        self.applied.pop(id(entry), None)
        self.entries.pop()

    def _checked(self, entry: ObjectEntry) -> CheckedObject:
        return CheckedObject(entry.ref, entry.source, entry.line, entry.column, tuple(sorted(set(self.applied.get(id(entry), ())))))

    def result(self, fail_on: str) -> CheckResult:
        if fail_on not in (*SEVERITY_RANK, "never"):
            raise KgenError(f"--fail-on {fail_on!r} is not one of error, warning, info, never")
        checked = self.checked + [self._checked(e) for e in self.entries]
        findings = tuple(sorted(self.findings, key=Finding.sort_key))
        counts = {s: 0 for s in ("error", "warning", "info")}
        for finding in findings:
            if not finding.suppressed:
                counts[finding.severity] += 1
        summary = Summary(
            files=self.files,
            documents=self.documents,
            objects=len(checked),
            skipped_not_kubernetes=self.not_kubernetes,
            skipped_unknown_kind=self.unknown_kind,
            suppressed=sum(1 for f in findings if f.suppressed),
            by_severity=counts,
        )
        return CheckResult(
            findings=findings,
            summary=summary,
            rules=self.rules.infos(),
            objects=tuple(sorted(checked, key=lambda c: (c.file, c.line, c.column))),
            fail_on=fail_on,
            kubernetes_version=self.kubernetes_version,
        )


def _violations(rule: CompiledPolicy, target: Target, context: Context) -> Iterator[Violation]:
    if rule.logic is not None:
        try:
            yield from rule.logic(target, context, rule.params)
        except KgenError:
            raise
        except Exception as exc:  # never fail open: a crashing rule is a bug, not a pass
            raise InternalError(
                f"rule '{rule.id}' failed on {target.entry.ref.display()} in {target.entry.source}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        return
    if rule.validator is None:
        return
    errors = list(rule.validator.iter_errors(target.data))
    if not errors:
        return
    error = min(errors, key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = [p for p in error.validator_value if not isinstance(error.instance, Mapping) or p not in error.instance]
        path = path + tuple(missing[:1])
    yield Violation(_format_message(rule.policy.message, target, rule.params), path)


class _Vars(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _format_message(template: str, target: Target, params: Mapping[str, Any]) -> str:
    ref = target.entry.ref
    values = _Vars(params)
    values.update(
        kind=ref.kind,
        name=ref.name,
        namespace=ref.namespace,
        container=target.container.name if target.container else "",
    )
    return string.Formatter().vformat(template, (), values)


def _objects(data: Any, base: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    """The objects of a document: itself, or the items of a (nested) List."""
    if isinstance(data, Mapping):
        kind = data.get("kind")
        items = data.get("items")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
            for index, item in enumerate(items):
                yield from _objects(item, base + ("items", index))
            return
    yield base, data


def _is_kubernetes(data: Any) -> bool:
    return (
        isinstance(data, Mapping)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
        and bool(data["apiVersion"])
        and bool(data["kind"])
    )


def _ref(data: Mapping[str, Any]) -> ObjectRef:
    metadata = data.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    name = metadata.get("name") or metadata.get("generateName") or ""
    namespace = metadata.get("namespace") or ""
    return ObjectRef(
        api_version=data["apiVersion"],
        kind=data["kind"],
        namespace=namespace if isinstance(namespace, str) else str(namespace),
        name=name if isinstance(name, str) else str(name),
    )


def _suppressions(entry: ObjectEntry) -> frozenset[str]:
    """Rule ids named in ``kgen.dev/ignore`` on the object or its pod template."""
    places: list[FieldPath] = [("metadata", "annotations")]
    if entry.pod_spec_path is not None:
        places.append(pod_template_metadata_path(entry.pod_spec_path) + ("annotations",))
    found: set[str] = set()
    for place in places:
        annotations = get_path(entry.data, place)
        if isinstance(annotations, Mapping):
            value = annotations.get(IGNORE_ANNOTATION)
            if isinstance(value, str):
                found.update(part.strip() for part in value.split(",") if part.strip())
    return frozenset(found)


def _is_suppressed(rule_id: str, suppressed: frozenset[str]) -> bool:
    return rule_id in suppressed or "*" in suppressed or "all" in suppressed
