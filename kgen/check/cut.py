"""How many findings a run lists, and the count of those it does not.

A rule that fires on every container of a Deployment with 50,000 containers says the
same thing 50,000 times; a report that lists them all runs to hundreds of megabytes
that no reader or code-scanning service takes. So the engine lists, in the order of
the findings (file, line, column):

- at most ``MAX_PER_RULE`` findings of one rule on one object (the fix is the same
  for each, and twenty already show where it is needed);
- at most ``MAX_PER_OBJECT`` findings on one object (or about a file, with no object);
- at most ``MAX_PER_RUN`` findings in one run (GitHub code scanning refuses a SARIF run
  with more than 25,000 results).

Suppressed findings are bounded alike, apart from the active ones. What is cut is
counted, never dropped: one note per cut, a finding of the same rule and severity
whose ``more`` is the number not listed (``N more RULE findings on OBJECT not shown``),
at the first of them. The summary counts every finding, listed or not, so the totals
and the exit code are what they would be without the bound.

A note is also how a worker sends findings it did not make in full (``more`` counted,
no message): `Cut.take` folds those into the note of their object and rule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Callable, Iterable

from kgen.check.exemptions import ABOUT_EXEMPTIONS, Exemption
from kgen.check.result import Finding, ObjectRef

MAX_PER_RULE = 20
MAX_PER_OBJECT = 100
MAX_PER_RUN = 25_000

_ObjectKey = tuple[str, ObjectRef]  # (file, object); an empty ObjectRef for findings about a file
_NoteKey = tuple[str, ObjectRef, str, str, str]  # (file, object, rule, severity, suppressed_by)
_RunKey = tuple[str, str, str]  # (rule, severity, suppressed_by)


class Cut:
    """Findings taken in, whole objects at a time; the listed ones and the notes come out of `finish`."""

    def __init__(self, per_run: int = MAX_PER_RUN) -> None:
        self.per_run = per_run
        self.kept: list[Finding] = []
        self.listed = {False: 0, True: 0}  # findings kept, active and suppressed
        self.notes: dict[_NoteKey, list[int]] = {}  # -> [count, line, column] of the first not listed
        self.over_run: dict[_RunKey, tuple[list[int], str]] = {}  # -> ([count, line, column], file) past the run's bound
        self._open: tuple[_ObjectKey, _Counts] | None = None  # the object taken last, and what it has listed

    def take(self, findings: Iterable[Finding], go_on: bool = False) -> None:
        """Findings (and notes) of whole objects: cut per object, then against the run's bound. With
        ``go_on`` the object taken last goes on where it stopped (a file's findings about itself, taken
        in parts, in order); otherwise what an object lists in parts is cut again, in order, by `finish`."""
        for key, group in _by_object(findings).items():
            if not go_on or self._open is None or self._open[0] != key:
                self._open = (key, _Counts())
            for finding in _per_object(group, self._fold, self._open[1]):
                self._keep(finding)

    def _keep(self, finding: Finding) -> None:
        if finding.more:
            self._fold(finding)
        elif self.listed[finding.suppressed] < self.per_run:
            self.listed[finding.suppressed] += 1
            self.kept.append(finding)
        else:
            self._past_run(finding, 1)

    def _fold(self, finding: Finding) -> None:
        count = finding.more or 1
        if self.listed[finding.suppressed] >= self.per_run:
            self._past_run(finding, count)
            return
        key = (finding.file, finding.object, finding.rule, finding.severity, finding.suppressed_by)
        slot = self.notes.get(key)
        if slot is None:
            self.notes[key] = [count, finding.line, finding.column]
            return
        slot[0] += count
        if (finding.line, finding.column) < (slot[1], slot[2]):
            slot[1], slot[2] = finding.line, finding.column

    def _past_run(self, finding: Finding, count: int) -> None:
        key = (finding.rule, finding.severity, finding.suppressed_by)
        entry = self.over_run.get(key)
        if entry is None:
            self.over_run[key] = ([count, finding.line, finding.column], finding.file)
            return
        entry[0][0] += count

    def finish(self) -> list[Finding]:
        """The listed findings (cut again per object, across what was taken at different times) and the notes."""
        kept, self.kept = self.kept, []
        listed: list[Finding] = []
        for group in _by_object(kept).values():
            listed.extend(_per_object(group, self._fold, _Counts()))
        listed.extend(_note(file, ref, rule, severity, by, slot) for (file, ref, rule, severity, by), slot in self.notes.items())
        for (rule, severity, by), (slot, file) in self.over_run.items():
            listed.append(_note(file, ObjectRef(), rule, severity, by, slot, run=self.per_run))
        return listed


def _by_object(findings: Iterable[Finding]) -> dict[_ObjectKey, list[Finding]]:
    groups: dict[_ObjectKey, list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.file, finding.object), []).append(finding)
    return groups


class _Counts:
    """What one object has listed: per rule, and in all (active and suppressed apart)."""

    def __init__(self) -> None:
        self.per_rule: dict[tuple[str, bool], int] = {}
        self.per_object = {False: 0, True: 0}


def _per_object(group: list[Finding], fold: Callable[[Finding], None], counts: _Counts) -> list[Finding]:
    """The findings of one object it lists (in order); the rest, and notes, folded."""
    group.sort(key=Finding.sort_key)
    kept: list[Finding] = []
    per_rule, per_object = counts.per_rule, counts.per_object
    for finding in group:
        if finding.more:
            fold(finding)
            continue
        rule = (finding.rule, finding.suppressed)
        listed = per_rule.get(rule, 0)
        if listed >= MAX_PER_RULE or per_object[finding.suppressed] >= MAX_PER_OBJECT:
            fold(finding)
            continue
        per_rule[rule] = listed + 1
        per_object[finding.suppressed] += 1
        kept.append(finding)
    return kept


def _note(file: str, ref: ObjectRef, rule: str, severity: str, by: str, slot: list[int], run: int = 0) -> Finding:
    """The note of one cut: per object, or (``run``: the run's bound) past the run's bound."""
    count, line, column = slot
    kind = "suppressed " if by else ""
    what = f"{count} more {kind}{rule} finding{'' if count == 1 else 's'}"
    if run:
        message = f"{what} not shown: a run lists at most {run:,} findings"
    else:
        about = f"on {ref.display()}" if ref.kind else f"in {file}"
        message = (
            f"{what} {about} not shown: kgen lists at most {MAX_PER_RULE} findings of one rule "
            f"and {MAX_PER_OBJECT} in all for one object"
        )
    return Finding(
        rule=rule,
        severity=severity,
        message=message,
        file=file,
        line=line,
        column=column,
        object=ref,
        suppressed=bool(by),
        suppressed_by=by,
        more=count,
    )


class Exempter:
    """The config's exemptions applied to findings as they are made; which ones matched, by index."""

    def __init__(self, exemptions: tuple[Exemption, ...], on: date) -> None:
        self.live = [(index, e) for index, e in enumerate(exemptions) if not e.expired(on)]
        self.used: set[int] = set()

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Each finding the first live exemption (in file order) matches is suppressed by it, unless an
        inline suppression already did; either way that exemption counts as used."""
        if not self.live:
            return findings
        out: list[Finding] = []
        for finding in findings:
            if finding.rule not in ABOUT_EXEMPTIONS:
                match = next(((i, e) for i, e in self.live if e.matches(finding)), None)
                if match is not None:
                    index, exemption = match
                    self.used.add(index)
                    if not finding.suppressed:
                        by = f"exemption {exemption.where}: {exemption.reason}"
                        finding = replace(finding, suppressed=True, suppressed_by=by)
            out.append(finding)
        return out
