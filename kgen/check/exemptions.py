"""Exemptions kept in one reviewed file (``.kgen.yaml`` ``exemptions:``), and the
suppressions written inline (the ``kgen.dev/ignore`` annotation, ``# kgen:ignore``
comments).

An exemption names a rule and an object by globs, says why, and may say until
when. It is applied to the findings of the whole run, after every other
suppression; one whose ``until`` has passed suppresses nothing and becomes a
finding of its own (``exemption-expired``), and with ``--report-unused`` one
that matched no finding is reported too (``exemption-unused``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from fnmatch import fnmatchcase
from typing import Any, Iterable, Iterator

from kgen.check.result import Finding
from kgen.check.schema_errors import did_you_mean
from kgen.errors import ConfigError, KgenError, Location
from kgen.load.yamlload import Document
from kgen.load.lines import editor_lines

EXEMPTION_EXPIRED = "exemption-expired"
EXEMPTION_UNUSED = "exemption-unused"
#: Findings about the exemptions themselves, which no exemption applies to.
ABOUT_EXEMPTIONS = frozenset({EXEMPTION_EXPIRED, EXEMPTION_UNUSED})
#: Set to a date (YYYY-MM-DD) to check as if it were that day; for tests.
TODAY_VARIABLE = "KGEN_TODAY"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
GLOB_FIELDS = ("rule", "kind", "namespace", "name", "container")


@dataclass(frozen=True)
class Exemption:
    """One entry of ``exemptions:``; every matcher is a glob (fnmatch, case-sensitive)."""

    rule: str
    reason: str
    kind: str = "*"
    namespace: str = "*"
    name: str = "*"
    container: str | None = None  # only findings about this container (a glob)
    until: date | None = None  # the last day it applies
    source: str = ".kgen.yaml"
    line: int = 0
    column: int = 0
    rule_at: tuple[int, int] = (0, 0)  # where its rule is written

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    def matches(self, finding: Finding) -> bool:
        ref = finding.object
        if not (
            fnmatchcase(finding.rule, self.rule)
            and fnmatchcase(ref.kind, self.kind)
            and fnmatchcase(ref.namespace, self.namespace)
            and fnmatchcase(ref.name, self.name)
        ):
            return False
        if self.container is None:
            return True
        return finding.container is not None and fnmatchcase(finding.container, self.container)

    def expired(self, today: date) -> bool:
        return self.until is not None and today > self.until

    def describe(self) -> str:
        """``rule image-tag-mutable for Deployment/web`` (only the fields it sets)."""
        scope = [f"{label} {value}" for label, value in (("kind", self.kind), ("namespace", self.namespace), ("name", self.name)) if value != "*"]
        if self.container is not None:
            scope.append(f"container {self.container}")
        return f"rule {self.rule}" + (f" ({', '.join(scope)})" if scope else "")


def read_exemptions(data: Any, document: Document, source: str) -> tuple[Exemption, ...]:
    """The ``exemptions:`` list, already valid against the config schema: dates and reasons checked here."""
    found: list[Exemption] = []
    for index, item in enumerate(data or ()):
        line, column = document.value_position(("exemptions", index))
        reason = item["reason"].strip()
        if not reason:
            raise ConfigError(
                "the reason is empty; say why the findings are accepted (it is shown with each of them)",
                document.location(("exemptions", index, "reason")),
                f"exemptions[{index}].reason",
            )
        until = item.get("until")
        found.append(
            Exemption(
                rule=item["rule"],
                reason=" ".join(reason.split()),
                kind=item.get("kind", "*"),
                namespace=item.get("namespace", "*"),
                name=item.get("name", "*"),
                container=item.get("container"),
                until=None if until is None else _date(until, document.location(("exemptions", index, "until")), index),
                source=source,
                line=line,
                column=column,
                rule_at=document.position(("exemptions", index, "rule")),
            )
        )
    return tuple(found)


def _date(text: str, location: Location, index: int) -> date:
    problem = f"{text!r} is not a date written YYYY-MM-DD; write the last day the exemption applies, e.g. 2025-06-30"
    if not _DATE.fullmatch(text):
        raise ConfigError(problem, location, f"exemptions[{index}].until")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{text!r} is not a day of the calendar", location, f"exemptions[{index}].until") from None


def settle_exemptions(exemptions: Iterable[Exemption], rule_ids: Iterable[str]) -> None:
    """Every exemption's rule names a rule, or is a glob that matches one: ConfigError at its line."""
    known = sorted(rule_ids)
    for index, exemption in enumerate(exemptions):
        if any(fnmatchcase(rule_id, exemption.rule) for rule_id in known):
            continue
        location = Location(exemption.source, *exemption.rule_at)
        if any(c in exemption.rule for c in "*?["):
            raise ConfigError(f"rule '{exemption.rule}' matches no rule (see `kgen rules`)", location, f"exemptions[{index}].rule")
        hint = did_you_mean(exemption.rule, known) or " (see `kgen rules`)"
        raise ConfigError(f"unknown rule '{exemption.rule}'{hint}", location, f"exemptions[{index}].rule")


def today(given: date | None = None) -> date:
    """The day exemptions are judged on: ``given``, else $KGEN_TODAY, else today in UTC."""
    if given is not None:
        return given
    text = os.environ.get(TODAY_VARIABLE)
    if text:
        if not _DATE.fullmatch(text):
            raise KgenError(f"{TODAY_VARIABLE} is {text!r}; write a day as YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise KgenError(f"{TODAY_VARIABLE} is {text!r}, which is not a day of the calendar") from None
    return datetime.now(timezone.utc).date()


@dataclass(frozen=True)
class Applied:
    """Findings with the exemptions applied, and what became of each exemption."""

    findings: list[Finding]
    expired: list[Exemption]
    unused: list[Exemption]


def apply_exemptions(findings: Iterable[Finding], exemptions: tuple[Exemption, ...], on: date) -> Applied:
    """Each finding the first live exemption (in file order) matches is suppressed by it, unless an
    inline suppression already did; either way that exemption counts as used."""
    live = [e for e in exemptions if not e.expired(on)]
    used: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        if live and finding.rule not in ABOUT_EXEMPTIONS:
            exemption = next((e for e in live if e.matches(finding)), None)
            if exemption is not None:
                used.add(id(exemption))
                if not finding.suppressed:
                    finding = replace(finding, suppressed=True, suppressed_by=f"exemption {exemption.where}: {exemption.reason}")
        out.append(finding)
    return Applied(
        out,
        [e for e in exemptions if e.expired(on)],
        [e for e in live if id(e) not in used],
    )


def expired_message(exemption: Exemption) -> str:
    assert exemption.until is not None
    return (
        f"the exemption of {exemption.describe()} expired on {exemption.until.isoformat()} "
        f"and suppresses nothing now (reason given: {exemption.reason})"
    )


def unused_message(exemption: Exemption) -> str:
    return f"the exemption of {exemption.describe()} matched no finding of this run (reason given: {exemption.reason})"


# --- inline suppressions: # kgen:ignore comments -------------------------------------------------

COMMENT_MARKER = "kgen:ignore"
_COMMENT = re.compile(r"[ \t]*#[ \t]*kgen:ignore(?![\w:-])(.*)")
_RULE_LIST = re.compile(r"[ \t]*(\S*)")
_FURTHER_COMMENT = re.compile(r"[ \t]#[ \t]")  # a reason ends where another comment starts


@dataclass(frozen=True)
class IgnoreComment:
    """``# kgen:ignore RULE[,RULE] reason`` on a line of its own: it suppresses the listed rules' findings
    at ``target`` (the next line that is not a comment), or on the whole object starting there."""

    line: int
    column: int  # where the comment starts
    rules: tuple[tuple[str, int], ...]  # each name and its column
    reason: str
    target: int  # 0: no line follows

    def by(self, source: str) -> str:
        return f"comment {COMMENT_MARKER} at {source}:{self.line}: {self.reason}"

    @property
    def names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.rules)


def ignore_comments(text: str) -> list[IgnoreComment]:
    """The ``# kgen:ignore`` comments of a file (cheap when it has none)."""
    if COMMENT_MARKER not in text:
        return []
    lines = editor_lines(text)
    found: list[IgnoreComment] = []
    after = _NextLines(lines)
    for number, line in enumerate(lines, start=1):
        match = _COMMENT.fullmatch(line)
        if match is None:
            continue
        rest = match[1]
        start = match.start(1)
        further = _FURTHER_COMMENT.search(rest)
        if further is not None:
            rest = rest[: further.start()]
        listed = _RULE_LIST.match(rest)
        assert listed is not None
        names_text, names_at = listed[1], start + listed.start(1)
        rules: list[tuple[str, int]] = []
        offset = 0
        for part in names_text.split(","):
            if part:
                rules.append((part, names_at + offset + 1))
            offset += len(part) + 1
        reason = " ".join(rest[listed.end() :].split())
        found.append(IgnoreComment(number, line.index("#") + 1, tuple(rules), reason, after.line(number)))
    return found


class _NextLines:
    """The first line after a given one that is not a comment, asked in increasing order: each line is
    looked at once however many comments precede it (a file of comments costs linear time)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.scan = 0  # no line before this index, from the last asked on, is anything but a comment

    def line(self, number: int) -> int:
        """The 1-based number of the first line after ``number`` that is not a comment; 0 when none."""
        self.scan = max(self.scan, number)
        while self.scan < len(self.lines) and self.lines[self.scan].lstrip().startswith("#"):
            self.scan += 1
        return self.scan + 1 if self.scan < len(self.lines) else 0


@dataclass(frozen=True)
class Suppression:
    """Rules an inline suppression silences on an object: everywhere in it (line 0), or at one line."""

    rules: frozenset[str]
    by: str
    line: int = 0

    def covers(self, rule_id: str, line: int) -> bool:
        if self.line and self.line != line:
            return False
        return rule_id in self.rules or "*" in self.rules or "all" in self.rules


def suppressed_by(suppressions: tuple[Suppression, ...], rule_id: str, line: int) -> str:
    """What suppresses a finding of ``rule_id`` at ``line`` ("" when nothing does)."""
    for suppression in suppressions:
        if suppression.covers(rule_id, line):
            return suppression.by
    return ""


def comments_for(comments: list[IgnoreComment], span: tuple[int, int], start: int, source: str) -> Iterator[Suppression]:
    """The suppressions an object (its document's 1-based lines ``span``, its first line ``start``) gets from comments."""
    first, last = span
    for comment in comments:
        if not comment.rules or not comment.reason:
            continue  # suppresses nothing; reported as ignore-comment-invalid
        if comment.target == start:
            yield Suppression(comment.names, comment.by(source))
        elif first <= comment.target <= last:
            yield Suppression(comment.names, comment.by(source), comment.target)
