"""The check engine: sources -> objects -> violations -> located findings.

Rules yield only *what* is wrong and *where* (a path into the object); this
loop stamps rule id, severity, file, line and column, and applies
suppressions, for every rule alike.

Two phases: each file is read once, and single-object rules run while its
node tree is at hand; cross-object rules run last, over the index, and
locate their findings by reading only the documents that have any.
"""

from __future__ import annotations

import itertools
import marshal
import os
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Iterator

from kgen.check.config import CONFIG_NAMES, Config, find_config, load_config, settle_rules
from kgen.check.cut import MAX_PER_RULE, Cut, Exempter
from kgen.check.exemptions import (
    EXEMPTION_EXPIRED,
    EXEMPTION_UNUSED,
    Exemption,
    IgnoreComment,
    Suppression,
    comments_for,
    expired_message,
    ignore_comments,
    settle_exemptions,
    suppressed_by,
    today,
    unused_message,
)
from kgen.check.index import ObjectEntry, ObjectIndex, config_keys_only, is_indexed
from kgen.check.origins import OriginMap, with_origins
from kgen.check.policy import (
    DOCKERFILE,
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
from kgen.check.pss import level_selects
from kgen.check.redact import is_secret, redact_secret
from kgen.check.schema_errors import did_you_mean
from kgen.check.targets import Context, ObjectTargets, Target
from kgen.errors import ConfigError, InputError, InternalError, KgenError, LoadError
from kgen.load.discover import STDIN_NAME, Source, discover, read_text
from kgen.load.files import not_a_file
from kgen.load.gcpause import no_cyclic_gc
from kgen.load.helm import HelmSources, helm_sources
from kgen.load.kustomize import KustomizePatches
from kgen.load.kustomize import build as kustomize_build
from kgen.load.resolve import BOOL, FLOAT, INT, NULL, json_text, resolve_plain
from kgen.load.yamlload import (
    DEFAULT_LIMITS,
    Document,
    FieldPath,
    Kept,
    Limits,
    Reuse,
    SourceLines,
    helm_syntax,
    load_document_at,
    load_text,
)
from kgen.model.k8s import (
    WorkloadIndex,
    api_group,
    format_field_path,
    get_path,
    is_builtin_group,
    is_kubernetes_group,
    is_place,
    objects_in,
)
from kgen.model.crdschema import crd_problems, defined_kind, is_crd
from kgen.model.kubeschema import KubeSchemas, SchemaProblem, latest_version, resolve_version

IGNORE_ANNOTATION = "kgen.dev/ignore"
IGNORE_UNKNOWN_RULE = "ignore-unknown-rule"
IGNORE_COMMENT_INVALID = "ignore-comment-invalid"
ANNOTATION_SUPPRESSION = f"annotation {IGNORE_ANNOTATION}"
YAML_INVALID = "yaml-invalid"
SCHEMA_INVALID = "schema-invalid"
API_REJECTED = "api-rejected"
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
    follow_symlinks: bool = False  # --follow-symlinks: read symbolic links below a folder that lead out of it
    jobs: int = 1
    crd_paths: tuple[Path, ...] = ()  # --crds: files or folders read for their CustomResourceDefinitions only
    collect_objects: bool = True  # every checked object in the result (JUnit needs them)
    kustomize: tuple[str, ...] = ()  # --kustomize: kustomization folders, built and their output checked
    #: False (--no-inline-suppressions): kgen.dev/ignore annotations and kgen:ignore comments count for
    #: nothing, whatever the config says; None: as the config says (inlineSuppressions, true by default)
    inline_suppressions: bool | None = None
    report_unused: bool = False  # --report-unused: an exemption-unused finding for each exemption that matched nothing
    today: date | None = None  # the day exemptions expire against (default: $KGEN_TODAY, else today in UTC)
    dockerfiles: tuple[str, ...] = ()  # --dockerfile: files read as Dockerfiles, whatever their name


@dataclass
class RuleSet:
    """The rules that run, compiled, with their effective severities."""

    compiled: dict[str, CompiledPolicy]
    severities: dict[str, str]
    known: frozenset[str] = frozenset()  # every rule id, enabled or not (what kgen.dev/ignore may name)
    object_rules: list[CompiledPolicy] = field(default_factory=list)
    cross_rules: list[CompiledPolicy] = field(default_factory=list)
    dockerfile_rules: list[CompiledPolicy] = field(default_factory=list)  # target: Dockerfile (not the engine's)

    def enabled(self, rule_id: str) -> bool:
        return rule_id in self.compiled

    def infos(self) -> dict[str, RuleInfo]:
        return {rid: c.policy.info(self.severities[rid]) for rid, c in sorted(self.compiled.items())}


def all_policies(config: Config, extra_dirs: Iterable[Path] = ()) -> list[Policy]:
    return load_policy_dirs([builtin_policy_dir(), *config.policies, *extra_dirs])


def build_ruleset(policies: list[Policy], config: Config, options: CheckOptions) -> RuleSet:
    config = settle_rules(config, policies)  # rule ids and parameters checked, at their lines
    known = {p.id for p in policies}
    settle_exemptions(config.exemptions, known)
    for rule_id in [*options.enable, *options.disable]:
        if rule_id not in known:
            hint = did_you_mean(rule_id, known) or " (see `kgen rules`)"
            raise ConfigError(f"unknown rule '{rule_id}'{hint}")
    compiled: dict[str, CompiledPolicy] = {}
    severities: dict[str, str] = {}
    for policy in policies:
        setting = config.rules.get(policy.id)
        enabled = policy.enabled
        if config.pod_security is not None:  # podSecurity: only that level's Pod Security rules run
            enabled = {None: enabled, True: True, False: False}[level_selects(policy.tags, config.pod_security)]
        if setting and setting.enabled is not None:
            enabled = setting.enabled
        if policy.id in options.enable:
            enabled = True
        if policy.id in options.disable:
            enabled = False
        if policy.id == EXEMPTION_UNUSED and options.report_unused:
            enabled = True
        if not enabled:
            continue
        compiled[policy.id] = compile_policy(policy, setting.params if setting else {})
        severities[policy.id] = (setting.severity if setting else None) or policy.severity
    rules = RuleSet(compiled, severities, frozenset(known))
    for rule in compiled.values():
        if rule.policy.engine:
            continue
        if rule.policy.target == DOCKERFILE:
            rules.dockerfile_rules.append(rule)
            continue
        (rules.cross_rules if rule.policy.cross_object else rules.object_rules).append(rule)
    return rules


@dataclass(frozen=True)
class Setup:
    """Everything a file checker needs, resolved once; picklable for worker processes."""

    options: CheckOptions
    config: Config
    kubernetes_version: str
    strict: bool
    schema_validation: bool
    inline_suppressions: bool = True  # kgen.dev/ignore and kgen:ignore comments suppress
    today: date = date.min  # the day exemptions expire against (date.min when none has an end)


@dataclass
class FileResult:
    """What checking one source produced (sent back from a worker as is)."""

    findings: list[Finding] = field(default_factory=list)
    kept: list[ObjectEntry] = field(default_factory=list)  # objects the cross-object rules look at
    #: objects the index needs (to answer other objects' rules) that no cross-object rule looks at:
    #: indexed, then let go (their CheckedObject is in ``checked``)
    indexed: list[ObjectEntry] = field(default_factory=list)
    keys: list[tuple[str, str, str, str]] = field(default_factory=list)  # (namespace, group, kind, name) of every object
    checked: list[CheckedObject] = field(default_factory=list)
    documents: int = 0
    not_kubernetes: int = 0
    unknown_kind: int = 0
    text: str | None = None  # only for stdin, which cannot be read twice
    #: CustomResourceDefinitions read ((group, kind) they define or None, data, file:line) - the data
    #: marshalled in a worker process (one bytes object to send, read back only for kinds that have
    #: resources; marshal keeps plain data exactly, and both processes run the same interpreter) -
    #: and the objects of kinds with no built-in schema, validated once every file is read (a CRD may come
    #: after its resources); those are in kept too
    crds: list[tuple[tuple[str, str] | None, Mapping[str, Any] | bytes, str]] = field(default_factory=list)
    custom: list[ObjectEntry] = field(default_factory=list)
    helm: tuple[str, HelmSources] | None = None  # its name and `# Source:` comments, when it is helm template output
    dockerfile: CheckedObject | None = None  # a Dockerfile that parsed, as a checked object
    used: set[int] = field(default_factory=set)  # the config's exemptions (by index) that matched a finding


def prepare(options: CheckOptions) -> Setup:
    config_path = options.config_path
    if config_path is None and options.discover_config:
        config_path = find_config(Path.cwd())
    config = load_config(config_path)
    wanted = options.kubernetes_version or config.kubernetes_version or latest_version()
    version = resolve_version(wanted)
    strict = options.strict if options.strict is not None else bool(config.strict)
    inline = config.inline_suppressions and options.inline_suppressions is not False  # either can switch them off
    on = today(options.today) if any(e.until is not None for e in config.exemptions) else date.min
    return Setup(options, config, version, strict, options.schema_validation, inline, on)


Progress = Callable[[int], None]  # called with the number of files checked so far


def run_check(options: CheckOptions, progress: Progress | None = None) -> CheckResult:
    with no_cyclic_gc():
        return _run_check(options, progress)


def _run_check(options: CheckOptions, progress: Progress | None) -> CheckResult:
    setup = prepare(options)
    checker = FileChecker(setup)  # validates config and policies before any file is read
    fail_on = options.fail_on or setup.config.fail_on or "warning"
    if fail_on not in (*SEVERITY_RANK, "never"):
        raise KgenError(f"fail-on {fail_on!r} is not one of error, warning, info, never")
    crd_paths = (*setup.config.crds, *options.crd_paths)
    crd_files: list[tuple[Mapping[str, Any], str]] = []
    if checker.schemas and crd_paths:
        from kgen.check.crds import load_crd_paths  # only when CRDs are given (--crds, crds: in the config)

        crd_files = load_crd_paths(crd_paths, options.limits)
    # kustomize patches are pieces of objects: skipped, counted (the files are listed twice, never held)
    patches = KustomizePatches.of(discover(options.paths, setup.config.exclude, follow_symlinks=options.follow_symlinks))
    seen: set[str] = set()  # Dockerfiles found in the paths, not read again for --dockerfile
    listed = itertools.chain(
        (s for s in discover(options.paths, setup.config.exclude, dockerfiles=True, follow_symlinks=options.follow_symlinks) if not is_config_file(s) and _note(s, seen)),
        (Source(path, Path(path), dockerfile=True) for path in _named_dockerfiles(options.dockerfiles) if path not in seen),
    )
    builds = [kustomize_build(folder) for folder in options.kustomize]
    # built streams first: they are checked in this process, before any worker starts
    sources = itertools.chain((Source(b.name, None, b.text) for b in builds), (s for s in listed if not patches.skips(s)))
    merger = _Merger(checker, options.collect_objects)
    for built in builds:
        merger.texts[built.name] = built.text
        merger.origins[built.name] = built.origins
    for result in _check_all(checker, setup, sources, options.jobs):
        merger.add(result)
        if progress is not None:
            progress(merger.files)
    merger.kustomize_patches = patches.skipped
    merger.check_custom(crd_files)
    merger.check_cross(min(options.jobs, usable_cores()))
    merger.exempt(setup.config, setup.today)
    return merger.result(fail_on)


def _note(source: Source, seen: set[str]) -> bool:
    if source.dockerfile:
        seen.add(source.name)
    return True


def _named_dockerfiles(paths: Iterable[str]) -> Iterator[str]:
    """``--dockerfile`` paths, each an existing file (InputError otherwise)."""
    for path in paths:
        what = not_a_file(path)
        if what is not None:
            hint = "; name the Dockerfile itself" if what == "a directory" else ""
            raise InputError(f"--dockerfile {path}: {what}{hint}")
        yield path


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity mask, which a container's cpuset narrows)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity masks on this system
        return max(1, os.cpu_count() or 1)


#: Below this many objects for the cross-object rules, forking processes for them costs more than
#: it saves (the corpus's 1,300 take 0.15 s in one process; a process is forked in milliseconds).
CROSS_FORK_MIN = 2_000

#: What ``_Merger._cross`` gives: per kept object (by its number), the rules applied to it and each
#: violation with its rule and its target (or the target's path, from a forked process).
_Crossed = list[tuple[int, list[str], list[tuple[str, Violation, Any]]]]

#: Below this many files, starting workers costs more than it saves: measured on 2 cores, 20 and 80
#: files of the corpus took longer with 2 workers than in one process (a pre-commit run passes a few).
MIN_PARALLEL_FILES = 64


def _check_all(checker: "FileChecker", setup: Setup, sources: Iterable[Source], jobs: int) -> Iterator[FileResult]:
    """Results in the order of the sources, from this process or from ``jobs`` workers (at most one
    per usable core: more would only share the same cores, each with its own copy of the rules)."""
    jobs = min(jobs, usable_cores())
    sources = iter(sources)  # read once: the files taken to decide on workers are not checked again
    if jobs <= 1:
        for source in sources:
            yield checker.check(source)
        return
    pending: list[Source] = []
    for source in sources:
        if source.path is None:
            yield checker.check(source)  # stdin can only be read here
            continue
        pending.append(source)
        if len(pending) >= MIN_PARALLEL_FILES:
            break
    if len(pending) < MIN_PARALLEL_FILES:
        for source in pending:
            yield checker.check(source)
        return
    import multiprocessing

    from kgen.check import parallel

    rest = (s for s in sources if s.path is not None)  # stdin comes first or not at all on a command line
    yield from parallel.check_in_pool(setup, itertools.chain(pending, rest), jobs, multiprocessing.get_context(), checker)


class FileChecker:
    """Phase 1: one source at a time, single-object rules while its nodes are at hand."""

    def __init__(self, setup: Setup) -> None:
        options, config = setup.options, setup.config
        self.rules = build_ruleset(all_policies(config, options.policy_dirs), config, options)
        self.workloads = WorkloadIndex(config.workloads)
        use_schemas = setup.schema_validation and self.rules.enabled(SCHEMA_INVALID)
        self.schemas = KubeSchemas(setup.kubernetes_version) if use_schemas else None
        self.strict = setup.strict
        self.limits = options.limits
        self.reuse = Reuse()  # large documents read again (the same CRDs in many install manifests)
        self._problems: dict[tuple[Kept, FieldPath], list[SchemaProblem]] = {}  # their schema problems, by text
        self.kubernetes_version = setup.kubernetes_version
        self.pod_security = config.pod_security
        self.complete = config.complete
        self.inline_suppressions = setup.inline_suppressions
        self.stamp = Stamper(self.rules)
        self.exemptions, self.today = config.exemptions, setup.today
        self.exempter = Exempter(config.exemptions, setup.today)
        self.by_container = any(e.container is not None for e in config.exemptions)  # counts kept per container
        self.cut = Cut()
        #: In a worker process: what goes back to the main process is made cheap to send (CRDs marshalled).
        self.portable = False
        #: What single-object rules see: no index (they never read one; a rule that needs one is cross-object).
        self.images = config.images
        self._alone = Context(ObjectIndex(), self.kubernetes_version, self.pod_security, self.complete, self.images)
        self._by_shape: dict[tuple[str, str, frozenset[str]], tuple[list[CompiledPolicy], list[CompiledPolicy]]] = {}

    def check(self, source: Source) -> FileResult:
        """The findings of one source, exemptions applied, as many listed as `Cut` lets one file list."""
        self.exempter.used = set()
        self.cut = Cut()
        result = self._check(source)
        self._settle(result, 0)
        result.findings = self.cut.finish()
        result.used = self.exempter.used
        return result

    def _settle(self, result: FileResult, start: int, unlisted: Iterable[Finding] = (), go_on: bool = False) -> None:
        """The findings from ``start`` on (and those made only as counts) exempted and taken by the cut."""
        made = result.findings[start:]
        del result.findings[start:]
        made.extend(unlisted)
        if made:
            self.cut.take(self.exempter.apply(made), go_on)

    def _check(self, source: Source) -> FileResult:
        result = FileResult()
        try:
            text = read_text(source, self.limits)
        except LoadError as exc:
            if source.dockerfile:
                location = exc.location
                at = (location.line or 1, location.column or 1) if location is not None else (1, 1)
                from kgen.check.dockerfile_check import DOCKERFILE_INVALID

                self.stamp.plain(result.findings, DOCKERFILE_INVALID, source.name, at, exc.message)
            else:
                self.stamp.load_error(result.findings, exc, source.name)
            return result
        if source.path is None and source.text is None:
            result.text = text
        if source.dockerfile:
            return self._check_dockerfile(source, text, result)
        helm = helm_sources(text)
        if helm is not None:
            result.helm = (source.name, helm)
        where = helm_syntax(text)
        if where is not None:
            self.stamp.yaml_invalid(
                result.findings,
                source.name,
                where,
                "un-rendered Helm template syntax; this file is not a manifest until it is "
                "rendered (helm template . | kgen check -)",
            )
            return result
        comments = ignore_comments(text) if self.inline_suppressions else []
        if comments:
            self._comment_problems(comments, source.name, result)
        for document in load_text(text, source.name, self.limits, keep_nulls=False, reuse=self.reuse):
            if isinstance(document, LoadError):
                self.stamp.load_error(result.findings, document, source.name)
                continue
            result.documents += 1
            self._check_document(document, result, comments)
        return result

    def _check_dockerfile(self, source: Source, text: str, result: FileResult) -> FileResult:
        comments = ignore_comments(text) if self.inline_suppressions else []
        if comments:
            self._comment_problems(comments, source.name, result)
        from kgen.check.dockerfile_check import check_dockerfile_text  # only for a run with Dockerfiles

        findings, checked = check_dockerfile_text(self.rules, text, source.name, comments)
        result.findings.extend(findings)
        result.dockerfile = checked
        return result

    def _comment_problems(self, comments: list[IgnoreComment], source: str, result: FileResult) -> None:
        """A kgen:ignore comment that names an unknown rule, or no rule or no reason: said at the comment
        (taken by the cut a thousand at a time: a file of comments is never held as findings whole)."""
        start = len(result.findings)
        for comment in comments:
            if len(result.findings) - start >= 1_000:
                self._settle(result, start, go_on=True)
            if not comment.rules or not comment.reason:
                missing = "names no rule" if not comment.rules else "gives no reason"
                message = (
                    f"this # kgen:ignore comment {missing}, so it suppresses nothing; "
                    "write # kgen:ignore RULE[,RULE] reason"
                )
                self.stamp.plain(result.findings, IGNORE_COMMENT_INVALID, source, (comment.line, comment.column), message)
            for name, column in comment.rules:
                if name in self.rules.known or name in ("*", "all"):
                    continue
                hint = did_you_mean(name, self.rules.known) or " (see `kgen rules`)"
                message = f"# kgen:ignore names '{name}', which is not a kgen rule, so it suppresses nothing{hint}"
                self.stamp.plain(result.findings, IGNORE_UNKNOWN_RULE, source, (comment.line, column), message)

    def _check_document(self, document: Document, result: FileResult, comments: list[IgnoreComment]) -> None:
        for base, data in objects_in(document.data):
            if data is None:
                result.not_kubernetes += 1
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
                workload=self.workloads.shape(data),
            )
            start = len(result.findings)
            if self.inline_suppressions:
                entry.suppressions = _suppressions(entry)
                if comments:
                    entry.suppressions += tuple(comments_for(comments, document.span, line, entry.source))
                self._unknown_suppressions(entry, document, result)
            self._settle(result, start, self._check_object(entry, document, result))

    def _unknown_suppressions(self, entry: ObjectEntry, document: Document, result: FileResult) -> None:
        """A kgen.dev/ignore that names no rule suppresses nothing: say so, at the annotation's value."""
        if not self.rules.enabled(IGNORE_UNKNOWN_RULE):
            return
        for path, names in _ignore_annotations(entry):
            for name in dict.fromkeys(names):
                if name in self.rules.known or name in ("*", "all"):
                    continue
                hint = did_you_mean(name, self.rules.known) or " (see `kgen rules`)"
                message = f"{IGNORE_ANNOTATION} names '{name}', which is not a kgen rule, so it suppresses nothing{hint}"
                violation = Violation(message, path)
                where = document.value_position(entry.base + path)
                result.findings.append(self.stamp.finding(IGNORE_UNKNOWN_RULE, entry, document, violation, None, where))

    def _check_object(self, entry: ObjectEntry, document: Document, result: FileResult) -> list[Finding]:
        """Runs the object's rules; returns the findings made only as counts (past what one rule lists)."""
        start = len(result.findings)
        custom = False
        if self.schemas is not None:
            custom = self._schema_findings(entry, document, result)
        schema_paths = {f.path for f in result.findings[start:] if f.rule == SCHEMA_INVALID}
        targets = ObjectTargets.of(entry)
        context = self._alone
        object_rules, cross_rules = self.rules_for(targets)
        # Past MAX_PER_RULE findings of a rule only counts are made: the suppressions, the exemptions and the
        # cut still see each count with its rule, severity, what suppressed it and, when an exemption names
        # containers, its container.
        counted: dict[tuple[str, str, str | None, str], list[Any]] = {}
        lined = any(s.line for s in entry.suppressions)  # a kgen:ignore comment for one line: findings need lines
        for rule in object_rules:
            applied = False
            made = 0
            for target in targets.of_applying(rule.policy):  # rules_for chose the rules that apply
                applied = True
                if made >= MAX_PER_RULE and not lined and rule.logic is None:  # a yes or no is all a count needs
                    if _schema_violated(rule, target):
                        self._count(counted, rule.id, entry, document, Violation("", ()), target)
                    continue
                for violation in _violations(rule, target, context):
                    if made >= MAX_PER_RULE:  # api-rejected's path is looked up without making the finding
                        if rule.id != API_REJECTED or not _reported_by_schema(
                            format_field_path(target.path + violation.path), schema_paths
                        ):
                            self._count(counted, rule.id, entry, document, violation, target)
                        continue
                    finding = self.stamp.finding(rule.id, entry, document, violation, target)
                    if rule.id == API_REJECTED and _reported_by_schema(finding.path, schema_paths):
                        continue  # one finding for one problem: the schema's
                    result.findings.append(finding)
                    made += 1
            if applied:
                entry.applied.append(rule.id)
        result.keys.append(entry.key)
        cross = [rule for rule in cross_rules if any(True for _ in targets.of_applying(rule.policy))]
        if cross or custom:
            positions = entry.positions
            for rule in cross:
                for target in targets.of_applying(rule.policy):
                    for path in _reported(rule.paths, target):
                        if path not in positions:  # rules share targets and reported fields
                            positions[path] = document.position(entry.base + path)
            result.kept.append(entry if cross else config_keys_only(entry))  # never a Secret's values
        else:
            if self.rules.cross_rules and is_indexed(entry):
                result.indexed.append(config_keys_only(entry))
            result.checked.append(entry.checked())
        return [
            Finding(
                rule_id, severity, "", entry.source, line, column, entry.ref, container,
                suppressed=bool(by), suppressed_by=by, more=count,
            )
            for (rule_id, severity, container, by), (count, line, column) in counted.items()
        ]

    def _count(
        self,
        counted: dict[tuple[str, str, str | None, str], list[Any]],
        rule_id: str,
        entry: ObjectEntry,
        document: Document,
        violation: Violation,
        target: Target,
    ) -> None:
        """One more finding of ``rule_id`` on the object, counted and not made (placed at the first)."""
        container = None
        if self.by_container:
            container = target.container.name if target.container else violation.container
        where: tuple[int, int] | None = None
        by = ""
        if entry.suppressions:  # as Stamper.finding decides it, at the finding's line when a suppression has one
            if any(s.line for s in entry.suppressions):
                where = document.position(entry.base + target.path + violation.path)
            by = suppressed_by(entry.suppressions, rule_id, where[0] if where else 0)
        key = (rule_id, self.stamp.severity(rule_id, violation), container, by)
        slot = counted.get(key)
        if slot is None:
            counted[key] = [1, *(where or document.position(entry.base + target.path + violation.path))]
        else:
            slot[0] += 1

    def rules_for(self, targets: ObjectTargets) -> tuple[list[CompiledPolicy], list[CompiledPolicy]]:
        """The object and cross-object rules that look at objects of this kind, group and traits (kept per shape)."""
        key = targets.shape_key
        found = self._by_shape.get(key)
        if found is None:
            found = (
                [rule for rule in self.rules.object_rules if targets.applies(rule.policy)],
                [rule for rule in self.rules.cross_rules if targets.applies(rule.policy)],
            )
            self._by_shape[key] = found
        return found

    def _schema_findings(self, entry: ObjectEntry, document: Document, result: FileResult) -> bool:
        """Built-in schema problems; True for an object of a kind with no built-in schema, whose
        CustomResourceDefinition may be among the objects still to read (validated when all are read)."""
        assert self.schemas is not None
        api_version, kind = entry.ref.api_version, entry.ref.kind
        if not self.schemas.known(api_version, kind):
            group = api_group(api_version)
            if is_kubernetes_group(group) and not is_builtin_group(kind, group):
                # a built-in kind under a group that never served it (v1/PodDisruptionBudget): refused at apply
                entry.applied.append(SCHEMA_INVALID)
                served = self.schemas.served_api_versions(kind)
                use = f"; it is served as {' or '.join(served)}" if served else ""
                violation = Violation(
                    f"apiVersion: Kubernetes {self.schemas.version} does not serve {kind} at {api_version}{use}",
                    ("apiVersion",),
                )
                result.findings.append(self.stamp.finding(SCHEMA_INVALID, entry, document, violation, None))
                return False
            entry.positions[("kind",)] = document.position(entry.base + ("kind",))
            result.custom.append(entry)
            return True
        entry.applied.append(SCHEMA_INVALID)
        crd = is_crd(entry.data)
        # a document read before from the same text (kgen.load.yamlload.Reuse) has that one's problems
        same = document.same_as
        key = (same, entry.base) if same is not None else None
        problems = self._problems.get(key) if key is not None else None
        if problems is None:
            problems = list(itertools.islice(self.schemas.problems(dict(entry.data)), MAX_SCHEMA_PROBLEMS))
            if crd:
                problems += _unreported(crd_problems(entry.data), problems, MAX_SCHEMA_PROBLEMS - len(problems))
            if key is not None and len(self._problems) < 10_000:
                self._problems[key] = problems
        if crd:
            payload: Mapping[str, Any] | bytes = entry.data
            if self.portable:
                payload = same.packed if same is not None and not entry.base else marshal.dumps(dict(entry.data))
            result.crds.append((defined_kind(entry.data), payload, f"{entry.source}:{entry.line}"))
        for problem in problems:
            violation = _schema_violation(entry, document, problem)
            result.findings.append(self.stamp.finding(SCHEMA_INVALID, entry, document, violation, None))
        return False


def _no_schema(entry: ObjectEntry, kubernetes_version: str) -> Violation:
    """What --strict says of an object no schema knows: no built-in one, no CustomResourceDefinition."""
    return Violation(
        f"no schema for {entry.ref.kind} {entry.ref.api_version} in Kubernetes {kubernetes_version} "
        "(an unknown kind, or an API version this release does not serve) and no CustomResourceDefinition for it",
        ("kind",),
    )


def _schema_violation(entry: ObjectEntry, document: Document | None, problem: SchemaProblem) -> Violation:
    field_name = format_field_path(problem.path)
    secret = is_secret(entry.data)  # no value of a Secret is ever shown, whatever the field
    hint = _quoting_hint(document, entry.base + problem.path, problem, secret) if document is not None else None
    message = hint or (problem.value_free if secret else problem.message)
    renamed = document.renamed_keys(entry.base + problem.path) if document is not None else []
    if renamed:
        field_name += " (" + ", ".join(f"the key {w} is read as {r!r}" for r, w in renamed) + ")"
    message = f"{field_name}: {message}" if field_name else message
    return Violation(message, problem.path)


def _unreported(found: Iterable[SchemaProblem], reported: list[SchemaProblem], room: int) -> list[SchemaProblem]:
    """Problems at fields no reported problem covers (the same field, a parent or a child), at most ``room``."""
    taken = [p.path for p in reported]
    kept: list[SchemaProblem] = []
    for problem in found:
        if len(kept) >= room:
            break
        path = problem.path
        if not any(path[: len(t)] == t or t[: len(path)] == path for t in taken):
            kept.append(problem)
    return kept


def _reported_by_schema(path: str, schema_paths: set[str]) -> bool:
    """Whether schema-invalid already reports this field of the object, a field that contains it, or a field
    directly in it (a probe with no handler because its ``httpget`` is misspelt: the schema's unknown field, once)."""
    return any(path == reported or _inside(path, reported) or _child(reported, path) for reported in schema_paths)


def _inside(path: str, parent: str) -> bool:
    return parent != "" and path.startswith((parent + ".", parent + "["))


def _child(path: str, parent: str) -> bool:
    """``parent.key`` or ``parent[3]``, nothing deeper."""
    if not _inside(path, parent):
        return False
    rest = path[len(parent) :]
    if rest.startswith("."):
        return "." not in rest[1:] and "[" not in rest
    return rest.endswith("]") and rest[1:-1].isdigit()


def _quoting_hint(document: Document, path: FieldPath, problem: SchemaProblem, secret: bool) -> str | None:
    """Text the user wrote plain that Kubernetes reads as a boolean, number or null where text is wanted.

    Only where the field wants a string: quoting ``y`` in a boolean field
    would be wrong advice. For a Secret's data the value is not repeated.
    """
    if problem.expected_type != "string":
        return None
    written = document.plain_scalar(path)
    if written is None:
        return None
    tag, value = resolve_plain(written) if written else (NULL, None)
    if tag == NULL:
        return None  # null is absent: no type problem comes from it
    kinds = {BOOL: "a boolean", INT: "an integer", FLOAT: "a number"}
    if secret:
        return f"the value is written unquoted and read as {kinds[tag]}, not as text; quote it"
    meaning = json_text(value)
    shown = f" ({meaning})" if meaning != written else ""
    return (
        f"{written} is read as {kinds[tag]}{shown} by kubectl and the API server (YAML as go-yaml v2 "
        f'resolves it), not as text; quote it: "{written}"'
    )


class Stamper:
    """Turns violations into findings: rule id, severity, location, suppression."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def finding(
        self,
        rule_id: str,
        entry: ObjectEntry,
        document: Document | None,
        violation: Violation,
        target: Target | None,
        where: tuple[int, int] | None = None,
    ) -> Finding:
        path = (target.path if target is not None else ()) + violation.path
        if where is not None:
            line, column = where
        elif document is not None:
            line, column = document.position(entry.base + path)
        else:
            line, column = entry.line, entry.column
        policy = self.rules.compiled[rule_id].policy
        severity = self.severity(rule_id, violation)
        message = violation.message
        if is_secret(entry.data):
            message = redact_secret(message, entry.data)
        by = suppressed_by(entry.suppressions, rule_id, line) if entry.suppressions else ""
        return Finding(
            rule=rule_id,
            severity=severity,
            message=message,
            file=entry.source,
            line=line,
            column=column,
            object=entry.ref,
            container=target.container.name if target is not None and target.container else violation.container,
            path=format_field_path(path),
            remediation=policy.remediation,
            suppressed=bool(by),
            suppressed_by=by,
        )

    def severity(self, rule_id: str, violation: Violation) -> str:
        severity = self.rules.severities[rule_id]
        if violation.severity and severity == self.rules.compiled[rule_id].policy.severity:
            severity = violation.severity  # a case-dependent default, unless the config overrode it
        return severity

    def load_error(self, findings: list[Finding], error: LoadError, source: str) -> None:
        location = error.location
        line = location.line if location and location.line else 1
        column = location.column if location and location.column else 1
        self.yaml_invalid(findings, source, (line, column), error.message)

    def yaml_invalid(self, findings: list[Finding], source: str, where: tuple[int, int], message: str) -> None:
        self.plain(findings, YAML_INVALID, source, where, message)

    def plain(self, findings: list[Finding], rule_id: str, source: str, where: tuple[int, int], message: str) -> None:
        """A finding about a file at a place, not about an object in it (when its rule runs)."""
        if not self.rules.enabled(rule_id):
            return
        findings.append(
            Finding(
                rule=rule_id,
                severity=self.rules.severities[rule_id],
                message=message,
                file=source,
                line=where[0],
                column=where[1],
                remediation=self.rules.compiled[rule_id].policy.remediation,
            )
        )


class _Merger:
    """Phase 2: gathers file results in order, builds the index, runs cross-object rules."""

    def __init__(self, checker: FileChecker, collect_objects: bool) -> None:
        self.checker = checker
        self.collect_objects = collect_objects
        self.objects = 0
        self.rules = checker.rules
        self.index = ObjectIndex()
        self.cut = Cut()  # what every file sent, then what the run adds, each object whole
        self.findings: list[Finding] = []  # made here (schemas of custom kinds, cross-object rules), until settled
        self.exempter = Exempter(checker.exemptions, checker.today)
        self.used: set[int] = set()  # exemptions that matched in a file checker
        self.checked: list[CheckedObject] = []
        self.kept: list[ObjectEntry] = []
        #: The checked CRDs by the (group, kind) they define, the last one read of each (as apply keeps it):
        #: a tree that holds one project's CRDs several times keeps each once.
        self.crds: dict[tuple[str, str], tuple[Mapping[str, Any] | bytes, str]] = {}
        self.custom: list[ObjectEntry] = []
        self.stdin_text: str | None = None
        self.origins: dict[str, OriginMap] = {}  # source -> where its findings' objects were written
        self.kustomize_patches = 0
        self.texts: dict[str, str] = {}  # streams made in memory (kustomize builds), by name
        self.files = self.documents = self.not_kubernetes = self.unknown_kind = self.dockerfiles = 0
        self.config_file: str | None = None
        self._cross_rules: dict[str, CompiledPolicy] | None = None

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.cut.take(result.findings)
        self.used |= result.used
        self.objects += len(result.checked) + len(result.kept)
        if self.collect_objects:
            self.checked.extend(result.checked)
        self.documents += result.documents
        self.not_kubernetes += result.not_kubernetes
        self.unknown_kind += result.unknown_kind
        if result.dockerfile is not None:
            self.dockerfiles += 1
            if self.collect_objects:
                self.checked.append(result.dockerfile)
        if result.text is not None:
            self.stdin_text = result.text
        if result.helm is not None:
            self.origins[result.helm[0]] = result.helm[1]
        for key in result.keys:
            self.index.add_key(key)
        for entry in result.indexed:
            self.index.add(entry)
        for entry in result.kept:
            self.index.add(entry)
            self.kept.append(entry)
        for defined, payload, origin in result.crds:
            if defined is not None:
                self.crds.pop(defined, None)  # re-inserted last: the registry adds them in reading order
                self.crds[defined] = (payload, origin)
        self.custom.extend(result.custom)

    def check_custom(self, crd_files: list[tuple[Mapping[str, Any], str]]) -> None:
        """Objects of kinds with no built-in schema, against the CRDs of the run (folders first, then
        the checked ones, a later CRD of a kind replacing an earlier); located by re-reading only the
        documents that have problems."""
        schemas = self.checker.schemas
        if schemas is None or not self.custom:
            return
        needed = {(api_group(entry.ref.api_version), entry.ref.kind) for entry in self.custom}
        checked = [
            (marshal.loads(payload) if isinstance(payload, bytes) else payload, origin)
            for defined, (payload, origin) in self.crds.items()
            if defined in needed  # a CRD no checked resource uses defines nothing this run needs
        ]
        from kgen.check.crds import registry  # only when there are objects of kinds with no built-in schema

        crds = registry(schemas, [*crd_files, *checked])
        found: dict[str, list[tuple[ObjectEntry, list[SchemaProblem]]]] = {}
        stamp = self.checker.stamp
        for entry in self.custom:
            group = api_group(entry.ref.api_version)
            problems = crds.problems(entry.data, check_names=not is_kubernetes_group(group)) if crds else None
            if problems is None:
                if entry.pod_spec_path is not None:
                    continue  # a kind declared in .kgen.yaml workloads: known to kgen, with no schema to check
                if not self.checker.strict:
                    self.unknown_kind += 1
                    continue
                entry.applied.append(SCHEMA_INVALID)
                violation = _no_schema(entry, schemas.version)
                where = entry.positions.get(("kind",))
                self.findings.append(stamp.finding(SCHEMA_INVALID, entry, None, violation, None, where))
                continue
            entry.applied.append(SCHEMA_INVALID)
            if problems:
                found.setdefault(entry.source, []).append((entry, problems[:MAX_SCHEMA_PROBLEMS]))
        for source, entries in found.items():
            text = self._source_text(source)
            lines = SourceLines(text) if text is not None else None
            documents: dict[int, Document | None] = {}
            for entry, problems in entries:
                if entry.doc_index not in documents:
                    documents[entry.doc_index] = (
                        load_document_at(lines, source, entry.line_span, entry.doc_index, self.checker.limits)
                        if lines is not None
                        else None
                    )
                document = documents[entry.doc_index]
                for problem in problems:
                    violation = _schema_violation(entry, document, problem)
                    self.findings.append(stamp.finding(SCHEMA_INVALID, entry, document, violation, None))
        self._settle()

    def _settle(self) -> None:
        """The findings made here exempted and taken by the cut."""
        made, self.findings = self.findings, []
        if made:
            self.cut.take(self.exempter.apply(made))

    def check_cross(self, parts: int = 1) -> None:
        """The cross-object rules on every kept object; with ``parts`` > 1 and many objects, spread
        over that many processes forked now (the index is complete: each reads its own copy)."""
        checker = self.checker
        context = Context(self.index, checker.kubernetes_version, checker.pod_security, checker.complete, checker.images)
        found: list[_Crossed] | None = None
        if parts > 1 and len(self.kept) >= CROSS_FORK_MIN:
            from kgen.check import parallel

            found = parallel.in_forks(lambda part: self._cross(context, part, parts, portable=True), parts)
        if found is None:
            found = [self._cross(context, 0, 1)]
        pending: dict[int, list[tuple[str, Violation, Target]]] = {}
        for number, applied, violations in sorted((item for part in found for item in part), key=lambda item: item[0]):
            entry = self.kept[number]
            entry.applied.extend(applied)
            if violations:
                pending[id(entry)] = self._targets(entry, violations)
        self._locate(pending)
        self._settle()
        if self.collect_objects:
            self.checked.extend(entry.checked() for entry in self.kept)

    def _cross(self, context: Context, part: int, parts: int, portable: bool = False) -> _Crossed:
        """(number, rules applied, violations) of every kept object whose number is ``part`` modulo
        ``parts``; a violation's target is the Target itself, or its path when ``portable`` (to be
        sent from a forked process: a Target holds its object)."""
        out: _Crossed = []
        for number in range(part, len(self.kept), parts):
            entry = self.kept[number]
            targets = ObjectTargets.of(entry)
            applied: list[str] = []
            violations: list[tuple[str, Violation, Any]] = []
            for rule in self.checker.rules_for(targets)[1]:
                seen = False
                for target in targets.for_policy(rule.policy):
                    seen = True
                    for violation in _violations(rule, target, context):
                        violations.append((rule.id, violation, target.path if portable else target))
                if seen:
                    applied.append(rule.id)
            if applied or violations:
                out.append((number, applied, violations))
        return out

    def _targets(self, entry: ObjectEntry, violations: list[tuple[str, Violation, Any]]) -> list[tuple[str, Violation, Target]]:
        """The violations with the targets they are about (given, or found again by their paths in the object)."""
        if all(isinstance(at, Target) for _, _, at in violations):
            return violations
        rules = self._cross_rules
        if rules is None:
            rules = self._cross_rules = {rule.id: rule for rule in self.checker.rules.cross_rules}
        targets = ObjectTargets.of(entry)
        by_path = {
            (rule_id, target.path): target
            for rule_id in dict.fromkeys(rule_id for rule_id, _, _ in violations)
            for target in targets.for_policy(rules[rule_id].policy)
        }
        return [(rule_id, violation, at if isinstance(at, Target) else by_path[(rule_id, at)]) for rule_id, violation, at in violations]

    def _locate(self, pending: dict[int, list[tuple[str, Violation, Target]]]) -> None:
        """Re-read only the documents that have cross-object findings, to place them."""
        by_source: dict[str, list[ObjectEntry]] = {}
        for entry in self.kept:
            if id(entry) in pending:
                by_source.setdefault(entry.source, []).append(entry)
        stamp = self.checker.stamp
        for source, entries in list(by_source.items()):
            for entry in list(entries):
                paths = [target.path + violation.path for _, violation, target in pending[id(entry)]]
                if all(path in entry.positions for path in paths):
                    for rule_id, violation, target in pending[id(entry)]:
                        where = entry.positions[target.path + violation.path]
                        self.findings.append(stamp.finding(rule_id, entry, None, violation, target, where))
                    entries.remove(entry)
            if not entries:
                continue
            text = self._source_text(source)
            lines = SourceLines(text) if text is not None else None
            documents: dict[int, Document | None] = {}
            for entry in entries:
                if entry.doc_index not in documents:
                    documents[entry.doc_index] = (
                        load_document_at(lines, source, entry.line_span, entry.doc_index, self.checker.limits)
                        if lines is not None
                        else None
                    )
                for rule_id, violation, target in pending[id(entry)]:
                    self.findings.append(stamp.finding(rule_id, entry, documents[entry.doc_index], violation, target))

    def _source_text(self, source: str) -> str | None:
        if source == STDIN_NAME:
            return self.stdin_text
        if source in self.texts:
            return self.texts[source]
        try:
            return read_text(Source(source, Path(source)), self.checker.limits)
        except LoadError:
            return None  # changed since it was read: fall back to the object's start

    def exempt(self, config: Config, on: date) -> None:
        """The config's exemptions applied to every finding of the run; the expired ones, and with
        --report-unused the unused ones, reported at their place in the config."""
        self.config_file = config.source
        if not config.exemptions:
            return
        self._settle()
        used = self.used | self.exempter.used
        stamp = self.checker.stamp
        for exemption in config.exemptions:
            if exemption.expired(on):
                stamp.plain(self.findings, EXEMPTION_EXPIRED, exemption.source, _at(exemption), expired_message(exemption))
        for index, exemption in enumerate(config.exemptions):
            if not exemption.expired(on) and index not in used:
                stamp.plain(self.findings, EXEMPTION_UNUSED, exemption.source, _at(exemption), unused_message(exemption))
        self.cut.take(self.findings)
        self.findings = []

    def result(self, fail_on: str) -> CheckResult:
        self._settle()
        findings = tuple(sorted(with_origins(self.cut.finish(), self.origins), key=Finding.sort_key))
        counts = {severity: 0 for severity in ("error", "warning", "info")}
        suppressed = not_shown = 0
        for finding in findings:  # a note counts the findings it stands for
            if finding.suppressed:
                suppressed += finding.more or 1
            else:
                counts[finding.severity] += finding.more or 1
                not_shown += finding.more
        summary = Summary(
            files=self.files,
            documents=self.documents,
            objects=self.objects,
            skipped_not_kubernetes=self.not_kubernetes,
            skipped_unknown_kind=self.unknown_kind,
            skipped_kustomize_patches=self.kustomize_patches,
            suppressed=suppressed,
            by_severity=counts,
            dockerfiles=self.dockerfiles,
            not_shown=not_shown,
        )
        return CheckResult(
            findings=findings,
            summary=summary,
            rules=self.rules.infos(),
            objects=tuple(sorted(self.checked, key=lambda c: (c.file, c.line, c.column))),
            fail_on=fail_on,
            kubernetes_version=self.checker.kubernetes_version,
            config_file=self.config_file,
        )


def _at(exemption: Exemption) -> tuple[int, int]:
    return (exemption.line, exemption.column)


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
    if rule.schema is None or (rule.holds is not None and rule.holds(target.data)):
        return
    path = rule.explain(target.data) if rule.explain is not None else None
    if path is None:  # no explainer (or, never seen, one that disagrees with the check): jsonschema says
        errors = list(rule.validator.iter_errors(target.data))
        if not errors:
            return
        error = min(errors, key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
        path = tuple(error.absolute_path)
        if error.validator == "required":
            missing = [p for p in error.validator_value if not isinstance(error.instance, Mapping) or p not in error.instance]
            path = path + tuple(missing[:1])
    yield Violation(_format_message(rule.policy.message, target, rule.params), path)


def _schema_violated(rule: CompiledPolicy, target: Target) -> bool:
    """Whether a schema predicate's rule has a finding on ``target`` (what `_violations` yields one for)."""
    if rule.schema is None:
        return False
    if rule.holds is not None:
        return not rule.holds(target.data)
    return not rule.validator.is_valid(target.data)


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


def _reported(patterns: tuple[FieldPath, ...], target: Target) -> Iterator[FieldPath]:
    """Where a cross-object rule's findings on ``target`` may point, from the object: the target itself,
    and each ``crossObject.reports`` path (from the target; one starting at a place, from the object)."""
    yield target.path
    for pattern in patterns:
        resolved = _at_places(pattern, target.entry)
        if resolved is None:
            continue
        if pattern and is_place(pattern[0]):
            yield from _expand(resolved, target.obj)
        else:
            yield from (target.path + path for path in _expand(resolved, target.data))


def _at_places(pattern: FieldPath, entry: ObjectEntry) -> FieldPath | None:
    """A reported path that starts at a workload place (``<labels>``) as its kind keeps it; None when it has none."""
    if entry.workload is not None:
        return entry.workload.resolve(pattern)
    return None if pattern and is_place(pattern[0]) else pattern


def _expand(pattern: FieldPath, data: Any) -> Iterator[FieldPath]:
    """Concrete paths of a pattern ("*" is every index of a list there): those that exist in ``data``,
    and a missing last field as the pattern names it (nothing below a missing field or list)."""
    if not pattern:
        yield ()
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                for tail in _expand(rest, item):
                    yield (index, *tail)
        return
    if not isinstance(data, Mapping) or head not in data:
        if not rest:
            yield pattern  # a missing field, as a rule names it (placed at its parent)
        return
    for tail in _expand(rest, data[head]):
        yield (head, *tail)


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


def _suppressions(entry: ObjectEntry) -> tuple[Suppression, ...]:
    """Rule ids named in ``kgen.dev/ignore`` on the object or its pod template (all of the object)."""
    names = frozenset(name for _, names in _ignore_annotations(entry) for name in names)
    return (Suppression(names, ANNOTATION_SUPPRESSION),) if names else ()


def _ignore_annotations(entry: ObjectEntry) -> Iterator[tuple[FieldPath, list[str]]]:
    """Each ``kgen.dev/ignore`` annotation (object, then pod template): its path and the names it lists."""
    places: list[FieldPath] = [("metadata", "annotations")]
    template = entry.workload.template_path if entry.workload is not None else None
    if template is not None:
        places.append(template + ("metadata", "annotations"))
    for place in places:
        annotations = get_path(entry.data, place)
        if isinstance(annotations, Mapping):
            value = annotations.get(IGNORE_ANNOTATION)
            if isinstance(value, str):
                yield place + (IGNORE_ANNOTATION,), [part.strip() for part in value.split(",") if part.strip()]


def is_config_file(source: Source) -> bool:
    """``.kgen.yaml`` configures the check; it is not a manifest to check."""
    return source.path is not None and source.path.name in CONFIG_NAMES

