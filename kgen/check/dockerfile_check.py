"""Checking one Dockerfile: parsed with BuildKit's grammar, then every Dockerfile rule over it.

Findings are kgen Findings like any other: the rule, its severity (as the config sets it),
the file, line and column, and as their object ``Dockerfile/<stage>`` (the stage's ``AS`` name,
else its index as ``--from=`` counts them; an instruction before the first FROM belongs to the
final stage), so exemptions match them by ``kind: Dockerfile`` and ``name: <stage>``.

A ``# kgen:ignore RULE[,RULE] reason`` comment on the line before an instruction suppresses
those rules' findings anywhere in that instruction (its continuation lines included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from kgen.check.exemptions import IgnoreComment
from kgen.check.result import CheckedObject, Finding, ObjectRef
from kgen.errors import InternalError, KgenError, LoadError
from kgen.load.dockerfile import Dockerfile, parse
from kgen.load.lines import editor_lines

if TYPE_CHECKING:
    from kgen.check.dockerfiles import DockerfileProblem
    from kgen.check.engine import RuleSet
    from kgen.check.policy import CompiledPolicy

DOCKERFILE_INVALID = "dockerfile-invalid"
DOCKERFILE_KIND = "Dockerfile"
#: More continuation lines in one instruction than any Dockerfile has, and than the parser reads in
#: bounded time (it takes about a second for 50,000, half a minute for 200,000).
MAX_CONTINUED_LINES = 10_000
_HEREDOC = re.compile(r"<<(-?)[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
#: The instructions BuildKit knows (moby/buildkit frontend/dockerfile/instructions); any other is refused.
INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)  # fmt: skip


@dataclass(frozen=True)
class _Span:
    """Lines a comment suppression covers: the instruction after it, continuation lines included."""

    first: int
    last: int
    rules: frozenset[str]
    by: str

    def covers(self, rule_id: str, line: int) -> bool:
        if not self.first <= line <= self.last:
            return False
        return rule_id in self.rules or "*" in self.rules or "all" in self.rules


def check_dockerfile_text(
    rules: "RuleSet", text: str, source: str, comments: list[IgnoreComment]
) -> tuple[list[Finding], CheckedObject | None]:
    """The findings of one Dockerfile's text, and the Dockerfile as a checked object (None when it does not parse)."""
    checker = _Checker(rules, source)
    continued = _continued_too_long(text)
    if continued is not None:  # the parser's time grows with the square of an instruction's lines
        checker.invalid(continued, f"an instruction continued over more than {MAX_CONTINUED_LINES:,} lines: not a Dockerfile kgen reads")
        return checker.findings, None
    try:
        dockerfile = parse(text, source)
    except LoadError as exc:
        location = exc.location
        where = (location.line or 1, location.column or 1) if location is not None else (1, 1)
        if "unterminated heredoc" in exc.message:
            where = _unterminated_heredoc(text) or where
        checker.invalid(where, exc.message)
        return checker.findings, None
    checker.start(dockerfile, comments)
    for problem in _problems(dockerfile):
        checker.invalid((problem[0], problem[1]), problem[2])
    applied = [DOCKERFILE_INVALID] if rules.enabled(DOCKERFILE_INVALID) else []
    for rule in rules.dockerfile_rules:
        applied.append(rule.id)
        for found in _run(rule, dockerfile):
            checker.add(rule.id, found)
    final = dockerfile.final
    ref = ObjectRef(kind=DOCKERFILE_KIND, name=_stage_name(final.index, final.name) if final else "")
    return checker.findings, CheckedObject(ref, source, 1, 1, tuple(applied))


def _continued_too_long(text: str) -> tuple[int, int] | None:
    """Where an instruction starts that goes on over more than MAX_CONTINUED_LINES lines (comment
    and blank lines inside it counted), or None."""
    escape = "`" if re.search(r"(?im)\A(?:#[^\n]*\n)*#\s*escape\s*=\s*`", text) else "\\"
    start, run = 0, 0
    for number, line in enumerate(editor_lines(text), start=1):
        stripped = line.rstrip()
        if stripped.endswith(escape):
            if not run:
                start = number
            run += 1
        elif run and (not stripped or stripped.lstrip().startswith("#")):
            run += 1
        else:
            run = 0
        if run > MAX_CONTINUED_LINES:
            return start, 1
    return None


def _unterminated_heredoc(text: str) -> tuple[int, int] | None:
    """Where the here-document the parser found no end for starts (its ``<<``): the first one
    whose word no later line ends. The parser says only that there is one."""
    lines = editor_lines(text.removeprefix("\ufeff"))
    for number, line in enumerate(lines, start=1):
        for match in _HEREDOC.finditer(line):
            word = match.group(2)
            strip = match.group(1) == "-"
            if not any((later.lstrip("\t") if strip else later) == word for later in lines[number:]):
                return number, match.start() + 1
    return None


def _problems(dockerfile: Dockerfile) -> Iterator[tuple[int, int, str]]:
    """What BuildKit refuses in a Dockerfile that parses: unknown instructions, instructions before
    the first FROM other than ARG, no FROM at all."""
    for instruction in dockerfile.instructions:
        if instruction.keyword not in INSTRUCTIONS:
            yield (
                instruction.line,
                instruction.column,
                f"unknown instruction {instruction.keyword}: BuildKit refuses the Dockerfile",
            )
        elif instruction.stage == -1 and instruction.keyword != "ARG":
            yield (
                instruction.line,
                instruction.column,
                f"{instruction.keyword} before the first FROM: only ARG may come before it (BuildKit refuses the Dockerfile)",
            )
    if not dockerfile.stages:
        yield (1, 1, "no FROM instruction: the Dockerfile has no stage to build")


def _run(rule: "CompiledPolicy", dockerfile: Dockerfile) -> Iterator["DockerfileProblem"]:
    check = rule.dockerfile_logic
    if check is None:
        return
    try:
        yield from check(dockerfile, rule.params)
    except KgenError:
        raise
    except Exception as exc:  # never fail open: a crashing rule is a bug, not a pass
        raise InternalError(f"rule '{rule.id}' failed on {dockerfile.source}: {type(exc).__name__}: {exc}") from exc


def _stage_name(index: int, name: str | None) -> str:
    return name if name is not None else str(index)


class _Checker:
    def __init__(self, rules: "RuleSet", source: str) -> None:
        self.rules = rules
        self.source = source
        self.findings: list[Finding] = []
        self.spans: list[_Span] = []
        self.stages: list[tuple[int, str]] = []  # (first line, name) of each stage, in order
        self.final = ""

    def start(self, dockerfile: Dockerfile, comments: list[IgnoreComment]) -> None:
        for stage in dockerfile.stages:
            self.stages.append((stage.from_instruction.line, _stage_name(stage.index, stage.name)))
        self.final = self.stages[-1][1] if self.stages else ""
        ends = {instruction.line: instruction.end_line for instruction in dockerfile.instructions}
        for comment in comments:
            if comment.rules and comment.reason and comment.target:
                last = ends.get(comment.target, comment.target)
                self.spans.append(_Span(comment.target, last, comment.names, comment.by(self.source)))

    def stage_at(self, line: int) -> str:
        """The stage a line belongs to; before the first FROM, the final stage (what the global ARGs feed)."""
        name = self.final
        for first, stage in self.stages:
            if first > line:
                break
            name = stage
        return name

    def invalid(self, where: tuple[int, int], message: str) -> None:
        if self.rules.enabled(DOCKERFILE_INVALID):
            self._append(DOCKERFILE_INVALID, where[0], where[1], message, None)

    def add(self, rule_id: str, problem: "DockerfileProblem") -> None:
        self._append(rule_id, problem.line, problem.column, problem.message, problem.severity)

    def _append(self, rule_id: str, line: int, column: int, message: str, severity: str | None) -> None:
        policy = self.rules.compiled[rule_id].policy
        effective = self.rules.severities[rule_id]
        if severity and effective == policy.severity:
            effective = severity  # a case-dependent default, unless the config overrode it
        by = next((span.by for span in self.spans if span.covers(rule_id, line)), "")
        self.findings.append(
            Finding(
                rule=rule_id,
                severity=effective,
                message=message,
                file=self.source,
                line=line,
                column=column,
                object=ObjectRef(kind=DOCKERFILE_KIND, name=self.stage_at(line)),
                remediation=policy.remediation,
                suppressed=bool(by),
                suppressed_by=by,
            )
        )
