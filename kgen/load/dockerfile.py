"""Dockerfiles read with BuildKit's own grammar (the ``dockerfile`` package wraps the official Go
parser), into stages and instructions with exact lines and columns.

What the parser leaves to its caller is done here: parser directives (``# syntax=``,
``# escape=``, ``# check=``), the column of each instruction, which stage each belongs to,
and ARG substitution in FROM (global ARGs declared before the first FROM, with their defaults,
as BuildKit resolves them; ``--build-arg`` values are not known and the default is used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping

from kgen.errors import LoadError, Location
from kgen.load.lines import editor_lines

# Matched against a stripped line, so the value needs no lazy match before trailing blanks (which
# made a line of inner blanks quadratic).
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*)$")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
#: A Dockerfile larger than this is not a Dockerfile anyone writes (and the parser holds it whole).
MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Instruction:
    """One instruction as written: its keyword (upper case), arguments, flags, and where it is."""

    keyword: str
    args: tuple[str, ...]  # shell form: one string (the command as written); exec form: each element
    flags: tuple[str, ...]  # --mount=..., --from=..., --chown=...
    exec_form: bool  # JSON array form (CMD ["app"]); False for shell form
    original: str  # the instruction's text, continuation lines joined
    line: int  # 1-based, where the keyword is
    column: int  # 1-based column of the keyword
    end_line: int
    heredocs: tuple[tuple[str, str], ...] = ()  # (name, content) of each here-document
    stage: int = -1  # index of the stage it belongs to; -1 before the first FROM (global ARGs)

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value`` (``--name`` alone: ""), None when absent."""
        for item in self.flags:
            key, _, value = item.lstrip("-").partition("=")
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Stage:
    """A build stage: ``FROM base [AS name]`` and the instructions up to the next FROM."""

    index: int
    base: str  # as written (``python:${V}``)
    resolved: str  # with global ARG defaults substituted (``python:3.12``); unresolved parts stay
    name: str | None  # ``AS name`` (as written; BuildKit compares names case-insensitively)
    platform: str | None  # ``--platform=...``
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]  # after FROM

    def named(self, name: str) -> bool:
        return self.name is not None and self.name.lower() == name.lower()


@dataclass(frozen=True)
class Dockerfile:
    source: str
    directives: Mapping[str, str]  # parser directives, keys lower case
    global_args: Mapping[str, str | None]  # ARGs before the first FROM and their defaults
    stages: tuple[Stage, ...]
    instructions: tuple[Instruction, ...]  # all, in order
    lines: tuple[str, ...] = field(default=(), repr=False)  # the text's lines, for positions and comments

    @property
    def final(self) -> Stage | None:
        """The stage ``docker build`` builds without --target: the last one."""
        return self.stages[-1] if self.stages else None

    def stage_named(self, name: str) -> Stage | None:
        """The stage ``--from=name`` or ``FROM name`` refers to (a name, or a stage index)."""
        if name.isascii() and name.isdigit():
            digits = name.lstrip("0") or "0"
            index = int(digits) if len(digits) < 10 else len(self.stages)  # a longer index is beyond any stage
            return self.stages[index] if index < len(self.stages) else None
        return next((stage for stage in self.stages if stage.named(name)), None)

    def location(self, instruction: Instruction) -> Location:
        return Location(self.source, instruction.line, instruction.column)

    def parent(self, stage: Stage) -> Stage | None:
        """The earlier stage ``FROM name`` builds on (BuildKit reads a FROM name as a stage first)."""
        return next((earlier for earlier in self.stages[: stage.index] if earlier.named(stage.resolved)), None)

    def ancestry(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it builds on, the first (built on an image) first."""
        chain = [stage]
        while (up := self.parent(chain[0])) is not None and up not in chain:
            chain.insert(0, up)
        return chain


def parse(text: str, source: str) -> Dockerfile:
    """A Dockerfile's stages and instructions; LoadError (with the line) when BuildKit refuses it."""
    import dockerfile as buildkit  # type: ignore[import-not-found]  # the official Go parser

    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise LoadError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB: not a Dockerfile kgen reads", Location(source, 1, 1))
    if "\x00" in text:
        raise LoadError("a binary file, not a Dockerfile", Location(source, 1, 1))
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError as exc:
        raise LoadError(f"not a valid Dockerfile: {_first_line(str(exc))}", Location(source, *_error_position(str(exc)))) from None
    lines = tuple(editor_lines(text))
    directives = _directives(lines)
    instructions: list[Instruction] = []
    global_args: dict[str, str | None] = {}
    stages: list[Stage] = []
    current: list[Instruction] = []
    for command in commands:
        line = int(command.start_line)
        text_line = lines[line - 1] if 0 < line <= len(lines) else ""
        column = len(text_line) - len(text_line.lstrip()) + 1
        instruction = Instruction(
            keyword=str(command.cmd).upper(),
            args=tuple(command.value),
            flags=tuple(command.flags),
            exec_form=bool(command.json),
            original=str(command.original),
            line=line,
            column=column,
            end_line=int(command.end_line),
            heredocs=tuple((h.name, h.content) for h in command.heredocs),
        )
        if instruction.keyword == "FROM":
            if stages:
                stages[-1] = _with_instructions(stages[-1], current)
            current = []
            instruction = _replace_stage(instruction, len(stages))
            stages.append(_stage(instruction, len(stages), global_args))
        elif not stages:
            if instruction.keyword == "ARG":
                for name, default in arg_pairs(instruction):
                    global_args[name] = default
        else:
            instruction = _replace_stage(instruction, len(stages) - 1)
            current.append(instruction)
        instructions.append(instruction)
    if stages:
        stages[-1] = _with_instructions(stages[-1], current)
    return Dockerfile(source, directives, global_args, tuple(stages), tuple(instructions), lines)


def substitute(text: str, values: Mapping[str, str | None]) -> str:
    """``${NAME}``, ``$NAME``, ``${NAME:-default}``, ``${NAME:+alt}`` as BuildKit expands them in
    FROM; a name with no value stays as written."""

    def expand(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        value = values.get(name)
        operator, word = match.group(2), match.group(3) or ""
        if operator in ("-", ":-"):
            return value if value else word if operator == ":-" or value is None else value
        if operator in ("+", ":+"):
            return word if value else ""
        return value if value is not None else match.group(0)

    return _VARIABLE.sub(expand, text)


def _stage(instruction: Instruction, index: int, global_args: Mapping[str, str | None]) -> Stage:
    args = list(instruction.args)
    name = None
    if len(args) >= 3 and args[-2].upper() == "AS":
        name = args[-1]
        args = args[:-2]
    base = args[0] if args else ""
    return Stage(
        index=index,
        base=base,
        resolved=substitute(base, global_args),
        name=name,
        platform=instruction.flag("platform"),
        from_instruction=instruction,
        instructions=(),
    )


def _with_instructions(stage: Stage, instructions: list[Instruction]) -> Stage:
    return Stage(stage.index, stage.base, stage.resolved, stage.name, stage.platform, stage.from_instruction, tuple(instructions))


def _replace_stage(instruction: Instruction, stage: int) -> Instruction:
    return replace(instruction, stage=stage)


def arg_pairs(instruction: Instruction) -> list[tuple[str, str | None]]:
    """ARG's names and defaults (None: no default), quotes removed."""
    pairs: list[tuple[str, str | None]] = []
    for item in instruction.args:
        name, equals, default = item.partition("=")
        pairs.append((name, unquote(default) if equals else None))
    return pairs


def env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    """ENV's names and values (the parser gives name, value, name, value, ...), quotes removed."""
    args = instruction.args
    return [(args[i], unquote(args[i + 1])) for i in range(0, len(args) - 1, 2)]


def unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _directives(lines: tuple[str, ...]) -> dict[str, str]:
    """Parser directives: ``# key=value`` comment lines at the very top, before anything else."""
    found: dict[str, str] = {}
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if not match or match.group(1).lower() in found:
            break
        found[match.group(1).lower()] = match.group(2)
    return found


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "the parser refused it"


def _error_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+)", message)
    return (int(match.group(1)), 1) if match else (1, 1)
