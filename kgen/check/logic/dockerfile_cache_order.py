"""dockerfile-cache-order: the whole build context copied before the dependency step of the same
stage (``COPY . .`` before ``go mod download``, ``pip install -r``, ``npm ci``...).

Any change to any source file then invalidates the COPY's cache and every step after it, so each
build downloads every dependency again. Copying the dependency files first (go.mod and go.sum,
requirements.txt, package.json and its lock file), running the dependency step, then copying the
rest keeps the step cached until the dependencies change. Reported at the COPY, once.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import program, scripts, split
from kgen.load.dockerfile import Dockerfile, Instruction

_WHOLE = frozenset({".", "./", "*", "./*"})


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    for stage in dockerfile.stages:
        chain = dockerfile.ancestry(stage)
        copied: Instruction | None = None
        for instruction in stage.instructions:
            if copied is None and _copies_everything(instruction):
                copied = instruction
            elif copied is not None and instruction.keyword == "RUN":
                step = next((found for script in scripts(dockerfile, chain, instruction) for command in split(script.text) if (found := _dependency_step(command))), None)
                if step:
                    source = " ".join(copied.args)
                    yield DockerfileProblem.at(
                        copied,
                        f"{copied.keyword} {source} copies the whole context before {step} (line {instruction.line}): "
                        "any source change runs the dependency step again",
                    )
                    break


def _copies_everything(instruction: Instruction) -> bool:
    if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None or instruction.heredocs:
        return False
    return any(source in _WHOLE for source in instruction.args[:-1])


def _dependency_step(command: list[str]) -> str | None:
    name, words = program(command), command[1:]
    positional = [word for word in words if not word.startswith("-")]
    if name == "go" and words[:2] == ["mod", "download"]:
        return "go mod download"
    if (name.startswith("pip") or (name.startswith("python") and words[:2] == ["-m", "pip"])) and "install" in words:
        if any(word in ("-r", "--requirement") or word.startswith(("--requirement=", "-r")) for word in words):
            return "pip install -r"
    if name in ("npm",) and positional[:1] in (["ci"], ["install"], ["i"]) and len(positional) == 1:
        return f"npm {positional[0]}"
    if name in ("yarn", "pnpm") and (not positional or positional == ["install"]):
        return f"{name} install"
    if name in ("bundle", "composer") and positional[:1] == ["install"]:
        return f"{name} install"
    if name in ("poetry", "pipenv") and positional[:1] == ["install"]:
        return f"{name} install"
    if name == "uv" and positional[:1] == ["sync"]:
        return "uv sync"
    if name == "cargo" and positional[:1] == ["fetch"]:
        return "cargo fetch"
    if name in ("mvn", "mvnw") and any(word.startswith("dependency:") for word in words):
        return "mvn " + next(word for word in words if word.startswith("dependency:"))
    if name == "dotnet" and positional[:1] == ["restore"]:
        return "dotnet restore"
    return None
