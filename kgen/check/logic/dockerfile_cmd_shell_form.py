"""dockerfile-cmd-shell-form: CMD or ENTRYPOINT in shell form, run as ``/bin/sh -c "..."``.

The shell is PID 1 and does not pass SIGTERM on, so the process never hears Kubernetes stop it.
A shell-form command that starts with ``exec`` replaces the shell with the program, which then
gets the signals: that one passes.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.load.dockerfile import Dockerfile


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("CMD", "ENTRYPOINT") or instruction.exec_form or not instruction.args:
            continue
        command = instruction.args[0].strip()
        if not command or command.split()[0] == "exec":
            continue
        shown = command if len(command) <= 60 else command[:57] + "..."
        yield DockerfileProblem.at(
            instruction,
            f"{instruction.keyword} {shown} is in shell form: /bin/sh -c runs it and SIGTERM never reaches the process",
        )
