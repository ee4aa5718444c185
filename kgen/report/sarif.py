"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

- ``tool.driver.rules`` lists every rule that ran, sorted by id, so a rule's
  ``ruleIndex`` depends only on the rule set, not on what was found.
- Locations: relative paths as given (leading ``./`` dropped), percent-encoded
  into a URI reference under ``%SRCROOT%``; absolute paths become ``file://``
  URIs; ``<stdin>`` becomes ``stdin``. No region when the line is unknown (0).
- ``partialFingerprints["kgenFinding/v1"]`` hashes rule, file, object (kind,
  namespace, name; not apiVersion, so a version migration keeps the finding)
  and field path, never line numbers, plus an occurrence number (``:1``,
  ``:2``) for findings that hash alike, as GitHub's own line hash does.
- Suppressed findings (only with ``show_suppressed``) carry an ``inSource``
  suppression: the engine suppresses only through the object's annotation.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any
from urllib.parse import quote

from kgen.check.result import CheckResult, Finding, RuleInfo

from kgen.report.base import ReportOptions
from kgen.report.jsontext import dumps

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
STDIN = "<stdin>"
FINGERPRINT_KEY = "kgenFinding/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SUPPRESSION_JUSTIFICATION = "Suppressed by the kgen.dev/ignore annotation on the object."


def report(result: CheckResult, options: ReportOptions) -> str:
    rules = [result.rules[rule_id] for rule_id in sorted(result.rules)]
    index = {rule.id: position for position, rule in enumerate(rules)}
    pairs = zip(result.findings, fingerprints(result.findings))
    run = {
        "tool": {
            "driver": {
                "name": "kgen",
                "version": options.tool_version,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "results": [
            sarif_result(finding, index, fingerprint)
            for finding, fingerprint in pairs
            if options.show_suppressed or not finding.suppressed
        ],
    }
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


def sarif_result(finding: Finding, index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in index:
        entry["ruleIndex"] = index[finding.rule]
    entry["level"] = LEVELS[finding.severity]
    entry["message"] = {"text": finding.message or finding.rule}
    entry["locations"] = [_location(finding)]
    entry["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    properties = {key: value for key, value in (("fieldPath", finding.path), ("container", finding.container)) if value}
    if properties:
        entry["properties"] = properties
    if finding.suppressed:
        entry["suppressions"] = [{"kind": "inSource", "justification": SUPPRESSION_JUSTIFICATION}]
    return entry


def _location(finding: Finding) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(finding.file)}
    if finding.line > 0:
        region = {"startLine": finding.line}
        if finding.column > 0:
            region["startColumn"] = finding.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    ref = finding.object
    if ref.kind:
        qualified = "/".join(part for part in (ref.namespace, ref.kind, ref.name) if part)
        location["logicalLocations"] = [{"name": ref.name or ref.kind, "fullyQualifiedName": qualified, "kind": "resource"}]
    return location


def artifact_location(file: str) -> dict[str, str]:
    """A valid URI reference for a file name as given on the command line."""
    if file == STDIN:
        return {"uri": "stdin"}
    if file.startswith("/"):
        return {"uri": "file://" + _encode(file)}
    while file.startswith("./"):
        file = file[2:].lstrip("/")
    return {"uri": _encode(file), "uriBaseId": SRCROOT}


def _encode(path: str) -> str:
    try:  # a file name Python decoded from undecodable bytes: encode those bytes
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(path, safe="/", errors="surrogatepass")


def fingerprints(findings: tuple[Finding, ...]) -> list[str]:
    """A stable id per finding that survives lines moving; ``hash:occurrence``.

    Computed over all findings, suppressed or not, so the occurrence numbers do
    not depend on ``show_suppressed``.
    """
    seen: Counter[str] = Counter()
    values = []
    for finding in findings:
        digest = _digest(finding)
        seen[digest] += 1
        values.append(f"{digest}:{seen[digest]}")
    return values


def _digest(finding: Finding) -> str:
    ref = finding.object
    parts = (finding.rule, finding.file, ref.kind, ref.namespace, ref.name, finding.path)
    text = "\0".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(text).hexdigest()[:32]
