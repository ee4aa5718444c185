"""dockerfile-pipefail: a RUN with a pipe whose shell does not use ``pipefail``.

Without it a pipeline's status is its last command's: ``curl -fsSL URL | tar xz`` succeeds when
curl fails, and the build goes on with nothing downloaded. pipefail is in effect when the SHELL
in effect (set in the stage or a stage it builds FROM) has ``-o pipefail`` (``-eo pipefail``...),
or when the script itself runs ``set -o pipefail`` before the pipe. A here-document run under its
own shebang is judged by that shell alone; one read by another program (``python3 <<EOF``), and
PowerShell (whose pipes pass objects), are not shell pipes.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import scripts, tokens
from kgen.load.dockerfile import Dockerfile


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    for stage in dockerfile.stages:
        chain = dockerfile.ancestry(stage)
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                continue
            for script in scripts(dockerfile, chain, instruction):
                program = script.shell[0].rsplit("/", 1)[-1].lower() if script.shell else ""
                if program.startswith(("pwsh", "powershell", "cmd")) or _sets_pipefail(script.shell):
                    continue
                if _unsafe_pipe(tokens(script.text)):
                    yield DockerfileProblem.at(instruction, f"RUN has a pipe and {' '.join(script.shell)} runs it without pipefail: a failure before the last command is ignored")
                    break


def _sets_pipefail(words: list[str]) -> bool:
    """``-o pipefail`` among a shell's options or a ``set`` command's arguments."""
    return any(word.startswith("-") and not word.startswith("--") and "o" in word and next_word == "pipefail" for word, next_word in zip(words, words[1:]))


def _unsafe_pipe(words: list[str]) -> bool:
    """A pipe before any ``set -o pipefail`` in the script."""
    for index, word in enumerate(words):
        if word in ("|", "|&"):
            return True
        if word == "set" and _sets_pipefail(words[index + 1 : index + 4]):
            return False
    return False
