"""dockerfile-build-tools-in-final: the image that ships is a toolchain image (golang, rust, maven,
gradle, gcc, a JDK, the .NET SDK, or the full node, python or ruby images, which are built on
buildpack-deps with a compiler and headers) while the Dockerfile compiles.

The final image is the last stage, followed through ``FROM <stage>`` to the image it starts from.
A Dockerfile that compiles in a builder stage and copies the result into a runtime image (a -slim,
-alpine or -jre variant, distroless, scratch) passes; so does a toolchain image when nothing is
compiled (a script run by the interpreter).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import final_image, program, scripts, split
from kgen.load.dockerfile import Dockerfile
from kgen.model.k8s import parse_image

_TOOLCHAINS = frozenset({"golang", "rust", "maven", "gradle", "gcc", "buildpack-deps", "sdk", "clojure", "haskell", "swift"})
_JDKS = frozenset({"openjdk", "eclipse-temurin", "amazoncorretto", "ibmjava", "sapmachine", "ibm-semeru-runtimes"})
_FULL_WHEN_PLAIN = frozenset({"node", "python", "ruby"})
_RUNTIME_VARIANTS = ("slim", "alpine", "jre", "distroless", "runtime")


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    chain = final_image(dockerfile)
    if not chain:
        return
    root = chain[0]
    ref = parse_image(root.resolved)
    tag = (ref.tag or "").lower()
    why = _toolchain(ref.repository, ref.name.lower(), tag)
    compile_step = _compiles(dockerfile)
    if why and compile_step:
        final = dockerfile.stages[-1]
        yield DockerfileProblem.at(
            final.from_instruction,
            f"the final image is built on {root.resolved}, {why}, while the Dockerfile compiles ({compile_step}): "
            "compile in a builder stage and copy the result into a runtime image",
        )


def _toolchain(repository: str, name: str, tag: str) -> str | None:
    if repository == "sdk" and "dotnet" not in name:
        return None
    if repository in _TOOLCHAINS:
        return "a toolchain image"
    if repository in _JDKS and "jre" not in tag:
        return "a JDK image"
    if repository in _FULL_WHEN_PLAIN and not any(variant in tag for variant in _RUNTIME_VARIANTS):
        return "the full image with compilers and headers"
    return None


def _compiles(dockerfile: Dockerfile) -> str | None:
    for stage in dockerfile.stages:
        chain = dockerfile.ancestry(stage)
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                continue
            for script in scripts(dockerfile, chain, instruction):
                for command in split(script.text):
                    if step := _compile_step(command):
                        return step
    return None


def _compile_step(command: list[str]) -> str | None:
    name, words = program(command), command[1:]
    positional = [word for word in words if not word.startswith("-")]
    first = positional[0] if positional else ""
    if name == "go" and first in ("build", "install"):
        return f"go {first}"
    if name == "cargo" and first in ("build", "install"):
        return f"cargo {first}"
    if name in ("mvn", "mvnw") and any(goal in positional for goal in ("package", "install", "verify", "compile")):
        return f"{name} " + next(goal for goal in positional if goal in ("package", "install", "verify", "compile"))
    if name in ("gradle", "gradlew") and any(task in positional for task in ("build", "assemble", "bootJar", "jar", "installDist", "shadowJar")):
        return f"{name} " + next(task for task in positional if task in ("build", "assemble", "bootJar", "jar", "installDist", "shadowJar"))
    if name == "dotnet" and first in ("build", "publish"):
        return f"dotnet {first}"
    if name in ("npm", "yarn", "pnpm") and (positional[:2] == ["run", "build"] or first == "build"):
        return f"{name} {' '.join(positional[:2]) if first == 'run' else 'build'}"
    if name in ("tsc", "javac", "gcc", "g++", "cc", "clang", "make", "cmake", "rustc"):
        return name
    return None
