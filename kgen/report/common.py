"""Pieces several reporters share: which findings to show, and how to say them."""

from __future__ import annotations

import posixpath
from collections import Counter

from kgen.check.result import SEVERITIES, SEVERITY_RANK, CheckResult, Finding, ObjectRef, Summary

from kgen.report.base import ReportOptions


STDIN = "<stdin>"
#: What suppressed a finding that does not say (the object's annotation, the first way kgen had).
SUPPRESSED_BY_ANNOTATION = "annotation kgen.dev/ignore"


def visible(result: CheckResult, options: ReportOptions) -> tuple[Finding, ...]:
    """The findings to report: all of them with show_suppressed, else the active ones."""
    return result.findings if options.show_suppressed else result.active


def suppressed_by(finding: Finding) -> str | None:
    """What suppressed the finding, for a reader; None when it is not suppressed."""
    if not finding.suppressed:
        return None
    return finding.suppressed_by or SUPPRESSED_BY_ANNOTATION


def is_failure(finding: Finding, fail_on: str) -> bool:
    """True when the finding alone makes ``kgen check`` fail (at or above fail_on)."""
    if finding.suppressed or fail_on not in SEVERITY_RANK:
        return False
    return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_on]


def object_label(ref: ObjectRef) -> str:
    """``Deployment shop/web``; empty for a finding without an object."""
    if not ref.kind:
        return ""
    name = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return f"{ref.kind} {name}" if name else ref.kind


def context(finding: Finding) -> str:
    """``[Deployment shop/web, container web]``; empty when there is nothing to say."""
    parts = [object_label(finding.object)]
    if finding.container:
        parts.append(f"container {finding.container}")
    parts = [part for part in parts if part]
    return f"[{', '.join(parts)}]" if parts else ""


def location(finding: Finding) -> str:
    """``file:line:col``, leaving out what is unknown (0)."""
    if finding.line <= 0:
        return finding.file
    if finding.column <= 0:
        return f"{finding.file}:{finding.line}"
    return f"{finding.file}:{finding.line}:{finding.column}"


def origin_text(finding: Finding) -> str:
    """Where the object was written, when a tool rendered what was checked: ``from
    shop/templates/web.yaml, rendered line 14`` (a Helm template's output, counted from its
    ``# Source:`` comment), ``from base/web.yaml:9`` (a file's own line); empty without an origin."""
    if not finding.origin:
        return ""
    if finding.origin_line <= 0:
        return f"from {finding.origin}"
    if finding.origin_rendered:
        return f"from {finding.origin}, rendered line {finding.origin_line}"
    return f"from {finding.origin}:{finding.origin_line}"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def summary_line(result: CheckResult) -> str:
    """``3 errors, 1 info in 4 files (12 objects; ...)`` or ``no problems found in ...``."""
    summary = result.summary
    counts = [_severity_count(summary, severity) for severity in SEVERITIES]
    shown = [count for count in counts if count]
    nothing = nothing_checked(summary)
    if not shown and nothing is not None:
        return nothing
    if not shown:
        details = "; ".join([plural(summary.files, "file"), *_extras(summary)])
        return f"no problems found in {_checked(summary)} ({details})"
    details = "; ".join([_checked(summary), *_extras(summary)])
    return f"{', '.join(shown)} in {plural(summary.files, 'file')} ({details})"


def _checked(summary: Summary) -> str:
    """``12 objects``, or with Dockerfiles among the files ``12 objects, 2 Dockerfiles``."""
    objects = plural(summary.objects, "object")
    if not summary.dockerfiles:
        return objects
    dockerfiles = plural(summary.dockerfiles, "Dockerfile")
    return f"{objects}, {dockerfiles}" if summary.objects else dockerfiles


def nothing_checked(summary: Summary) -> str | None:
    """``nothing checked: ...`` when the run read no manifest file or found no Kubernetes object."""
    if summary.files == 0 and summary.skipped_kustomize_patches:
        return (
            f"nothing checked: {_patches(summary.skipped_kustomize_patches)} skipped, and no other manifest file "
            "(check what the kustomization builds with --kustomize DIR)"
        )
    if summary.files == 0:
        return "nothing checked: no manifest file (.yaml, .yml, .json) in the paths given, or every one is excluded"
    if summary.objects == 0 and not summary.dockerfiles:
        details = "; ".join([plural(summary.documents, "document"), *_extras(summary)])
        return f"nothing checked: no Kubernetes objects in {plural(summary.files, 'file')} ({details})"
    return None


def _severity_count(summary: Summary, severity: str) -> str:
    count = summary.by_severity.get(severity, 0)
    if not count:
        return ""
    return plural(count, severity, "info" if severity == "info" else None)


def _extras(summary: Summary) -> list[str]:
    extras = [f"{summary.suppressed} suppressed"] if summary.suppressed else []
    if summary.not_shown:
        extras.append(f"{summary.not_shown} not shown")
    skipped = [
        f"{count} {what}"
        for count, what in (
            (summary.skipped_not_kubernetes, "not Kubernetes"),
            (summary.skipped_unknown_kind, "unknown kind"),
        )
        if count
    ]
    if summary.skipped_kustomize_patches:
        skipped.append(_patches(summary.skipped_kustomize_patches))
    if skipped:
        extras.append(f"skipped: {', '.join(skipped)}")
    return extras


def _patches(count: int) -> str:
    return plural(count, "kustomize patch", "kustomize patches")


# --- where a finding is, for tools that open the repository's files ---------------


def place(finding: Finding) -> tuple[str, int, int]:
    """``(file, line, column)`` a reader should open: the file the object was written in
    before a tool rendered it (Helm template, kustomization resource) when known, else the
    checked file. An origin has no column (the column is the rendered file's), and no line
    when ``origin_line`` counts the rendered document rather than the file (a Helm
    template: ``rendered_line``); 0 is unknown."""
    if finding.origin:
        return finding.origin, 0 if finding.origin_rendered else max(finding.origin_line, 0), 0
    return finding.file, finding.line, finding.column


def rendered_line(finding: Finding) -> int:
    """The line inside the document a tool rendered from ``origin`` (a Helm template's
    output, counted from its ``# Source:`` comment); 0 when there is none."""
    return finding.origin_line if finding.origin and finding.origin_rendered and finding.origin_line > 0 else 0


def repository_path(file: str, options: ReportOptions) -> str | None:
    """``file`` relative to ``options.root`` in POSIX form (``./`` and ``a/../`` folded);
    None when it is outside the root, or absolute while no root is known. Without a root a
    relative name is taken as relative to the root already."""
    if not options.root:
        return None if posixpath.isabs(file) else posixpath.normpath(file)
    absolute = posixpath.normpath(posixpath.join(options.cwd or options.root, file))
    relative = posixpath.relpath(absolute, options.root)
    return None if relative == ".." or relative.startswith("../") else relative


def absolute_path(file: str, options: ReportOptions) -> str:
    """``file`` made absolute against the folder it was given in (as written without one)."""
    base = options.cwd or options.root
    return posixpath.normpath(posixpath.join(base, file)) if base or posixpath.isabs(file) else file


def fingerprint_keys(findings: tuple[Finding, ...], options: ReportOptions) -> list[tuple[str, int]]:
    """A stable ``(hash, occurrence)`` per finding that survives lines moving.

    The hash covers the rule, where the finding is (``place``: the origin when known, as
    a repository path, so it does not depend on the folder kgen ran in), the object (kind,
    namespace, name; not apiVersion, so a version migration keeps the finding) and the
    field path; never line numbers or the message (which carries values). Findings that
    hash alike are numbered 1, 2, ... in order. Computed over all findings, suppressed or
    not, so the numbers do not depend on ``show_suppressed``.
    """
    import hashlib  # only the formats with fingerprints need it

    seen: Counter[str] = Counter()
    keys = []
    for finding in findings:
        file = place(finding)[0]
        where = file if file == STDIN else repository_path(file, options) or absolute_path(file, options)
        ref = finding.object
        parts = (finding.rule, where, ref.kind, ref.namespace, ref.name, finding.path)
        digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen[digest] += 1
        keys.append((digest, seen[digest]))
    return keys
