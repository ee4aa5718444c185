"""dockerfile-workdir-relative: a WORKDIR that is not an absolute path.

A relative WORKDIR is joined to the working directory before it, which the base image may set to
anything; an absolute one says where the instructions after it run. Variables are expanded with
the stage's ARG defaults and ENV values (``WORKDIR ${APP_HOME}`` with ``ENV APP_HOME=/srv`` is
absolute); a path that still starts with an unknown variable (``$HOME/app``) is not judged.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import variables
from kgen.load.dockerfile import unquote
from kgen.load.dockerfile import Dockerfile, substitute

_WINDOWS = re.compile(r"^([A-Za-z]:)?[\\/]")


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    for stage in dockerfile.stages:
        chain = dockerfile.ancestry(stage)
        for instruction in stage.instructions:
            if instruction.keyword != "WORKDIR" or not instruction.args:
                continue
            written = unquote(" ".join(instruction.args))
            path = unquote(substitute(written, variables(dockerfile, chain, instruction)))
            if not path or path.startswith("$") or _WINDOWS.match(path):
                continue
            shown = written if path == written else f"{written} ({path})"
            yield DockerfileProblem.at(instruction, f"WORKDIR {shown} is relative: it depends on the working directory before it")
