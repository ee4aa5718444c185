"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

- ``tool.driver.rules`` lists every rule that ran, sorted by id, so a rule's
  ``ruleIndex`` depends only on the rule set, not on what was found. A built-in
  rule's ``helpUri`` is its section of docs/rules.md (``RuleInfo.help_uri``).
- Locations: a file under the repository root (``ReportOptions.root``) is a
  percent-encoded path relative to it under ``uriBaseId: %SRCROOT%``, and
  ``run.originalUriBaseIds`` gives ``%SRCROOT%`` as the root's ``file://`` URI (ending
  in ``/``); a file outside the root is an absolute ``file://`` URI with no base;
  ``<stdin>`` is ``stdin``. Without a root (``ReportOptions()``) relative names stay as
  given under ``%SRCROOT%`` and no ``originalUriBaseIds`` is written. No region when
  the line is unknown (0).
- A finding whose object was written elsewhere before it was rendered (``origin``:
  a Helm template, a kustomization's resource file) points at the origin (its line
  when known, no column); the rendered file's place is ``relatedLocations[0]``. A Helm
  template's line is not known (the finding's line counts the rendered document): no
  region, a file-level alert rather than a wrong line, and ``properties.renderedLine``.
- ``partialFingerprints["kgenFinding/v1"]``: ``hash:occurrence`` from
  ``common.fingerprint_keys`` (rule, repository path of the place, object, field
  path; never line numbers), so an alert survives lines moving and kgen running
  in another folder of the repository.
- A note that stands for findings counted but not listed (kgen.check.cut) is a result of
  its rule whose ``properties.notShown`` is how many.
- ``run.automationDetails.id`` is ``kgen/check/``: the category code scanning files the
  alerts under, the same on every run (no run id: the output holds no clock).
- ``invocations[0].properties.configFile``: the ``.kgen.yaml`` applied, as an
  artifact location like the results' (null: defaults only).
- Suppressed findings (only with ``show_suppressed``) carry a suppression whose
  justification is ``Finding.suppressed_by``: ``kind: external`` for an exemption in
  the config file, ``inSource`` for an annotation or a comment in the manifest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from kgen.check.result import CheckResult, Finding, RuleInfo

from kgen.report.base import ReportOptions
from kgen.report.common import STDIN, absolute_path, fingerprint_keys, place, rendered_line, repository_path, suppressed_by
from kgen.report.jsontext import dumps

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "kgenFinding/v1"
AUTOMATION_ID = "kgen/check/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
EXEMPTION = "exemption "  # how Finding.suppressed_by starts for an entry of the config file's exemptions
RENDERED = "The object as rendered, where kgen checked it."


def report(result: CheckResult, options: ReportOptions) -> str:
    rules = [result.rules[rule_id] for rule_id in sorted(result.rules)]
    index = {rule.id: position for position, rule in enumerate(rules)}
    pairs = zip(result.findings, fingerprints(result.findings, options))
    config = artifact_location(result.config_file, options) if result.config_file else None
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "kgen",
                "version": options.tool_version,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": True, "properties": {"configFile": config}}],
        "automationDetails": {"id": AUTOMATION_ID},
    }
    if options.root:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": directory_uri(options.root)}}
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = (  # made one at a time as they are written
        sarif_result(finding, index, fingerprint, options)
        for finding, fingerprint in pairs
        if options.show_suppressed or not finding.suppressed
    )
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return dumps(document, indent=2) + "\n"


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    title = rule.title or rule.id
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": pascal_case(rule.id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": rule.description or title},
        "help": _help(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["kubernetes", *rule.tags]},
    }
    if rule.help_uri:
        descriptor["helpUri"] = rule.help_uri
    return descriptor


def pascal_case(rule_id: str) -> str:
    """``memory-limits-missing`` -> ``MemoryLimitsMissing``."""
    return "".join(part[:1].upper() + part[1:] for part in rule_id.replace("_", "-").split("-"))


def _help(rule: RuleInfo) -> dict[str, str]:
    sections = [(label, text) for label, text in (("Why", rule.rationale), ("Fix", rule.remediation)) if text]
    if not sections:
        return {"text": rule.title or rule.id, "markdown": rule.title or rule.id}
    return {
        "text": "\n\n".join(f"{label}: {text}" for label, text in sections),
        "markdown": "\n\n".join(f"**{label}:** {text}" for label, text in sections),
    }


def sarif_result(finding: Finding, index: dict[str, int], fingerprint: str, options: ReportOptions = ReportOptions()) -> dict[str, Any]:
    entry: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in index:
        entry["ruleIndex"] = index[finding.rule]
    entry["level"] = LEVELS[finding.severity]
    entry["message"] = {"text": finding.message or finding.rule}
    entry["locations"] = [_location(finding, options)]
    if finding.origin:
        rendered = _physical(finding.file, finding.line, finding.column, options)
        entry["relatedLocations"] = [{"id": 1, "physicalLocation": rendered, "message": {"text": RENDERED}}]
    entry["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    pairs = (
        ("fieldPath", finding.path),
        ("container", finding.container),
        ("renderedLine", rendered_line(finding)),
        ("notShown", finding.more),
    )
    properties = {key: value for key, value in pairs if value}
    if properties:
        entry["properties"] = properties
    if finding.suppressed:
        entry["suppressions"] = [suppression(finding)]
    return entry


def suppression(finding: Finding) -> dict[str, str]:
    """``external`` for an exemption kept in the config file, ``inSource`` for one in the manifest."""
    said = suppressed_by(finding) or ""
    kind = "external" if said.startswith(EXEMPTION) else "inSource"
    return {"kind": kind, "justification": f"Suppressed by {said}"}


def _location(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    file, line, column = place(finding)
    location: dict[str, Any] = {"physicalLocation": _physical(file, line, column, options)}
    ref = finding.object
    if ref.kind:
        qualified = "/".join(part for part in (ref.namespace, ref.kind, ref.name) if part)
        location["logicalLocations"] = [{"name": ref.name or ref.kind, "fullyQualifiedName": qualified, "kind": "resource"}]
    return location


def _physical(file: str, line: int, column: int, options: ReportOptions) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(file, options)}
    if line > 0:
        region = {"startLine": line}
        if column > 0:
            region["startColumn"] = column
        physical["region"] = region
    return physical


def artifact_location(file: str, options: ReportOptions = ReportOptions()) -> dict[str, str]:
    """A valid URI reference for a file name as given on the command line: relative to
    the repository root under ``%SRCROOT%`` when it is under it, else an absolute file URI."""
    if file == STDIN:
        return {"uri": "stdin"}
    relative = repository_path(file, options)
    if relative is None:
        return {"uri": file_uri(absolute_path(file, options))}
    return {"uri": _encode(relative), "uriBaseId": SRCROOT}


def file_uri(path: str) -> str:
    """``/a b/c`` -> ``file:///a%20b/c``."""
    return "file://" + _encode(path)


def directory_uri(path: str) -> str:
    """A folder's ``file://`` URI, ending in ``/`` as a base URI must."""
    return file_uri(path.rstrip("/") + "/")


def _encode(path: str) -> str:
    try:  # a file name Python decoded from undecodable bytes: encode those bytes
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(path, safe="/", errors="surrogatepass")


def fingerprints(findings: tuple[Finding, ...], options: ReportOptions = ReportOptions()) -> list[str]:
    """``hash:occurrence`` per finding (see ``common.fingerprint_keys``)."""
    return [f"{digest}:{occurrence}" for digest, occurrence in fingerprint_keys(findings, options)]
