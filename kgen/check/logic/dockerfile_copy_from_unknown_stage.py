"""dockerfile-copy-from-unknown-stage: ``COPY --from=NAME`` (or ``RUN --mount=from=NAME``) where
NAME is no stage of the Dockerfile, or the stage the instruction is in.

BuildKit reads ``--from`` as a stage name (compared without case) or index first, and otherwise as
an image: a misspelt stage name becomes a pull of docker.io/library/NAME:latest, which fails or,
worse, copies files out of somebody else's image. A value that can only be an image (a tag, a
digest, a registry or a path: ``nginx:1.27``, ``ghcr.io/acme/base``) is an image, not an unknown
stage. A stage defined later is accepted by BuildKit (it orders stages by their dependencies) but
not by the classic builder: reported as a warning. Copying from the stage itself is an error
(BuildKit: circular dependency); so is an index with no stage.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import has_variable, mounts
from kgen.load.dockerfile import Dockerfile, Instruction
from kgen.model.numbers import digits_value, is_digits


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    for instruction in dockerfile.instructions:
        for source in _sources(instruction):
            problem = _problem(dockerfile, instruction, source)
            if problem:
                yield problem


def _sources(instruction: Instruction) -> list[str]:
    if instruction.keyword in ("COPY", "ADD"):
        source = instruction.flag("from")
        return [source] if source else []
    if instruction.keyword == "RUN":
        return [mount["from"] for mount in mounts(instruction) if mount.get("from")]
    return []


def _problem(dockerfile: Dockerfile, instruction: Instruction, source: str) -> DockerfileProblem | None:
    where = f"{instruction.keyword} --from={source}" if instruction.keyword != "RUN" else f"RUN --mount from={source}"
    if has_variable(source):
        return None
    if is_digits(source):
        index = digits_value(source, 9)
        if index is None:
            return DockerfileProblem.at(instruction, f"{where[:80]}: there is no such stage (stages 0 to {len(dockerfile.stages) - 1})")
        if index == instruction.stage:
            return DockerfileProblem.at(instruction, f"{where} is the stage it is in: a stage cannot copy from itself")
        if index >= len(dockerfile.stages):
            return DockerfileProblem.at(instruction, f"{where}: there is no stage {index} (stages 0 to {len(dockerfile.stages) - 1})")
        return None
    stage = dockerfile.stage_named(source)
    if stage is None:
        if any(c in source for c in ":/@.") or source.lower() == "scratch":
            return None
        names = [s.name for s in dockerfile.stages if s.name]
        close = difflib.get_close_matches(source, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else f" (stages: {', '.join(names)})" if names else ""
        return DockerfileProblem.at(instruction, f"{where}: no stage is named {source}{hint}; BuildKit would pull the image {source}:latest instead")
    if stage.index == instruction.stage:
        return DockerfileProblem.at(instruction, f"{where} is the stage it is in: a stage cannot copy from itself")
    if stage.index > instruction.stage:
        return DockerfileProblem.at(instruction, f"{where}: stage {source} is defined later (line {stage.from_instruction.line}); the classic builder does not find it", "warning")
    return None
