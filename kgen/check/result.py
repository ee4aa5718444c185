"""What a check produces: findings and a summary. Reporters see only these types."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """The Kubernetes object a finding is about (empty strings when unknown)."""

    api_version: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""

    def display(self) -> str:
        if not self.kind:
            return ""
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind}/{name}" if name else self.kind


@dataclass(frozen=True)
class RuleInfo:
    """Rule metadata the reporters show (SARIF rule entries, help text)."""

    id: str
    severity: str
    title: str
    description: str = ""
    rationale: str = ""
    remediation: str = ""
    help_uri: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str  # error | warning | info
    message: str
    file: str
    line: int
    column: int
    object: ObjectRef = field(default_factory=ObjectRef)
    container: str | None = None
    path: str = ""  # dotted field path inside the object, e.g. spec.template.spec.containers[0].image
    remediation: str = ""
    suppressed: bool = False
    #: What suppressed it, for a reader: "annotation kgen.dev/ignore", "exemption .kgen.yaml:12: <reason>",
    #: "comment kgen:ignore at file:line" ("" when not suppressed).
    suppressed_by: str = ""
    #: Where the object was written before a tool rendered it (``file`` is what was checked): a Helm
    #: chart's template (``# Source: chart/templates/x.yaml``), a kustomization's resource file; "" if none.
    origin: str = ""
    origin_line: int = 0  # the line in ``origin`` where known, else 0
    #: True when ``origin_line`` counts the lines of the document as the tool rendered it (a Helm template:
    #: line 1 is the first after its ``# Source:`` comment), not the lines of the ``origin`` file itself.
    origin_rendered: bool = False
    #: A note, not a finding: it stands for this many findings of its rule on its object (or in the run)
    #: that are counted but not listed (kgen.check.cut); 0 for a finding.
    more: int = 0

    def __post_init__(self) -> None:
        if len(self.message) > _LONG_WORD:  # a value from the input, quoted whole, can be megabytes
            object.__setattr__(self, "message", bounded_message(self.message))

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.message)


#: A message keeps every run of non-blank characters up to this long; a longer one (a value from the
#: input that a rule quotes) is cut to its start, with its length said, so a message stays a line.
_LONG_WORD = 400
_SHOWN = 100
_BLANKS = re.compile(r"(\s+)")
#: Punctuation that ends a sentence or a clause after a cut word, kept after the cut (at most 3
#: characters of it: a longer run is part of the word).
_TRAILING = ":;,.)]"
_KEPT_TRAILING = 3


def bounded_message(message: str) -> str:
    """The message with every run of more than 400 non-blank characters cut to its first 100 and its
    length; split and scanned once, so linear in the message (a pattern that tried each length of a
    word before its trailing punctuation was quadratic in a run of dots)."""
    parts = _BLANKS.split(message)
    for index in range(0, len(parts), 2):  # the words; the blanks between them are at odd indexes
        word = parts[index]
        if len(word) > _LONG_WORD:
            core = word.rstrip(_TRAILING)
            tail = word[len(core) :]
            if len(tail) > _KEPT_TRAILING:
                core, tail = word, ""
            parts[index] = f"{core[:_SHOWN]}... ({len(core):,} characters){tail}"
    return "".join(parts)


@dataclass(frozen=True)
class CheckedObject:
    """An object that was checked, and the ids of the rules applied to it."""

    object: ObjectRef
    file: str
    line: int
    column: int
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    files: int = 0
    documents: int = 0
    objects: int = 0
    skipped_not_kubernetes: int = 0
    skipped_unknown_kind: int = 0
    skipped_kustomize_patches: int = 0  # files a kustomization lists as patches (not objects; not in files)
    suppressed: int = 0
    by_severity: Mapping[str, int] = field(default_factory=dict)
    dockerfiles: int = 0  # Dockerfiles that parsed (in files; their stages are not objects)
    not_shown: int = 0  # active findings counted (in by_severity) but not listed: the notes' ``more``


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]  # active findings, sorted; suppressed ones have suppressed=True
    summary: Summary
    rules: Mapping[str, RuleInfo]  # every rule that ran, by id
    objects: tuple[CheckedObject, ...] = ()  # in input order
    fail_on: str = "warning"
    kubernetes_version: str = ""
    config_file: str | None = None  # the .kgen.yaml applied, as given or found; None: defaults only

    @property
    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.suppressed)

    def failed(self) -> bool:
        if self.fail_on == "never":
            return False
        threshold = SEVERITY_RANK[self.fail_on]
        return any(SEVERITY_RANK[f.severity] >= threshold for f in self.active)
