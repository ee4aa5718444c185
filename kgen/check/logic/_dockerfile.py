"""What several Dockerfile rules need: the stages of the final image, the variables an
instruction sees, and the shell commands a RUN runs (split into simple commands). Stage
ancestry, ARG and ENV pairs are the Dockerfile model's (kgen.load.dockerfile); image references
are kgen.model.k8s.parse_image's."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Iterator

from kgen.load.dockerfile import Dockerfile, Instruction, Stage, env_pairs, substitute, unquote

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
_OPERATORS = frozenset({"&&", "||", ";", "|", "&", "|&", ";;", "(", ")", "\n"})
_HEREDOC_ONLY = re.compile(r"^\s*<<-?\s*['\"]?[A-Za-z0-9_]+['\"]?\s*$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_COMMENT = re.compile(r"(^|[ \t])#[^\n]*", re.MULTILINE)
_WRAPPERS = frozenset({"sudo", "env", "exec", "nohup", "time", "command", "then", "do", "else", "{", "}", "!", "if", "while", "until"})


def final_image(dockerfile: Dockerfile) -> list[Stage]:
    """The stages whose instructions end up in the image ``docker build`` builds (the last stage and its
    FROM ancestry); empty for a Dockerfile without stages."""
    return dockerfile.ancestry(dockerfile.final) if dockerfile.final else []


def instructions_in(chain: list[Stage]) -> Iterator[Instruction]:
    for stage in chain:
        yield from stage.instructions


def variables(dockerfile: Dockerfile, chain: list[Stage], until: Instruction | None = None) -> dict[str, str | None]:
    """The ARG and ENV values an instruction of the chain's last stage sees (ARG defaults: build
    arguments are not known). ENV is inherited from a parent stage, ARGs are not; a global ARG is
    visible in a stage only where the stage declares it again."""
    values: dict[str, str | None] = {}
    for stage in chain:
        args: dict[str, str | None] = {}
        for instruction in stage.instructions:
            if instruction is until:
                return {**values, **args}
            if instruction.keyword == "ARG":
                for item in instruction.args:
                    name, equals, default = item.partition("=")
                    args[name] = unquote(substitute(default, {**values, **args})) if equals else dockerfile.global_args.get(name)
            elif instruction.keyword == "ENV":
                for name, value in env_pairs(instruction):
                    values[name] = substitute(value, {**values, **args})
        if stage is not chain[-1]:
            continue
        values = {**values, **args}
    return values


def has_variable(text: str) -> bool:
    return "$" in text


@dataclass(frozen=True)
class Script:
    """A shell script a RUN runs, and the shell running it."""

    text: str
    shell: list[str]  # the interpreter and its options (``/bin/sh -c``, or a heredoc's shebang)


def shell_of(dockerfile: Dockerfile, chain: list[Stage], until: Instruction) -> list[str]:
    """The SHELL in effect at an instruction (SHELL is image config: inherited from a parent stage)."""
    shell = ["/bin/sh", "-c"]
    for instruction in instructions_in(chain):
        if instruction is until:
            break
        if instruction.keyword == "SHELL":
            shell = list(instruction.args)
    return shell


def is_shell(program: str) -> bool:
    return program.rsplit("/", 1)[-1] in _SHELLS


def scripts(dockerfile: Dockerfile, chain: list[Stage], run: Instruction) -> Iterator[Script]:
    """The shell scripts a RUN runs: its command (shell form: under the SHELL in effect; exec form:
    when it calls a shell with -c), and its here-documents when the shell reads them (``RUN <<EOF``
    alone runs the document's text under SHELL, or under its own shebang; ``RUN bash <<EOF`` feeds
    it to bash). A document read by another program (``RUN python3 <<EOF``) is not shell."""
    if run.exec_form:
        args = list(run.args)
        if args and is_shell(args[0]) and "-c" in args[:-1]:
            yield Script(args[args.index("-c") + 1], args[: args.index("-c") + 1])
        return
    shell = shell_of(dockerfile, chain, run)
    command = run.args[0] if run.args else ""
    if run.heredocs and _HEREDOC_ONLY.match(command):
        content = run.heredocs[0][1]
        if content.startswith("#!"):
            interpreter = content[2:].splitlines()[0].split() if content[2:].strip() else []
            if interpreter and interpreter[0].endswith("/env") and len(interpreter) > 1:
                interpreter = interpreter[1:]
            if interpreter and is_shell(interpreter[0]):
                yield Script(content, interpreter)
            return
        yield Script(content, shell)
        return
    yield Script(command, shell)
    words = split(command)
    if run.heredocs and words and words[0] and is_shell(words[0][0]):
        for _, content in run.heredocs:
            yield Script(content, [words[0][0]])


def tokens(script: str) -> list[str]:
    """The script's words and operators (``&&``, ``|``, ``;``, newlines...), quotes removed; a
    script shlex cannot read (an unclosed quote) is split at blanks."""
    text = _COMMENT.sub(r"\1", script.replace("\\\n", " "))
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()")
    lexer.whitespace = " \t\r"
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return script.split()


def split(script: str) -> list[list[str]]:
    """The simple commands of a script, each its words; variable assignments and wrappers
    (``sudo``, ``env``, ``DEBIAN_FRONTEND=noninteractive``) before the program dropped."""
    commands: list[list[str]] = []
    current: list[str] = []
    for token in tokens(script):
        if token in _OPERATORS or (token and set(token) <= set(";&|()")):
            if current:
                commands.append(current)
            current = []
            continue
        if not current and (_ASSIGNMENT.match(token) or token in _WRAPPERS):
            continue
        current.append(token)
    if current:
        commands.append(current)
    return commands


def has_pipe(script: str) -> bool:
    return any(token in ("|", "|&") for token in tokens(script))


def program(command: list[str]) -> str:
    return command[0].rsplit("/", 1)[-1] if command else ""


def assignments(script: str) -> set[str]:
    """Names assigned before a command (``PIP_NO_CACHE_DIR=1 pip install``) or exported."""
    names: set[str] = set()
    for token in tokens(script):
        if _ASSIGNMENT.match(token):
            names.add(token.partition("=")[0])
    return names


def mounts(instruction: Instruction) -> list[dict[str, str]]:
    """The ``--mount`` options of a RUN, each as its key=value fields (``target``, ``type``...)."""
    found: list[dict[str, str]] = []
    for item in instruction.flags:
        key, _, value = item.lstrip("-").partition("=")
        if key != "mount":
            continue
        fields: dict[str, str] = {"type": "bind"}
        for part in value.split(","):
            name, equals, setting = part.partition("=")
            fields[name.strip().lower()] = setting.strip() if equals else "true"
        if "dst" in fields or "destination" in fields:
            fields["target"] = fields.get("dst", fields.get("destination", ""))
        found.append(fields)
    return found
