"""dockerfile-package-cache: a package manager's cache or index left in the image's layer.

Judged per RUN, for the stages the final image is built from (the last stage and the stages it
builds FROM; a builder stage's files reach the image only through COPY --from):
- ``apk add`` without ``--no-cache``, unless the RUN removes /var/cache/apk;
- ``pip install`` without ``--no-cache-dir``, unless PIP_NO_CACHE_DIR is set (ENV, ARG or before
  the command: pip disables its cache for any value) or the RUN removes the cache;
- ``apt-get update`` (or ``apt update``) whose lists (/var/lib/apt/lists) the same RUN does not
  remove: a later RUN's rm does not shrink the earlier layer.
A cache or tmpfs ``--mount`` on the cache's folder keeps it out of the layer: that passes.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import assignments, final_image, mounts, program, scripts, split, variables
from kgen.load.dockerfile import Dockerfile, Instruction

_APK_CACHE = ("/var/cache/apk", "/etc/apk/cache")
_APT_LISTS = ("/var/lib/apt/lists", "/var/lib/apt")


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    chain = final_image(dockerfile)
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                continue
            here = chain[: chain.index(stage) + 1]
            env = variables(dockerfile, here, instruction)
            commands: list[list[str]] = []
            assigned: set[str] = set()
            for script in scripts(dockerfile, here, instruction):
                commands.extend(split(script.text))
                assigned |= assignments(script.text)
            yield from _problems(instruction, commands, env, assigned)


def _problems(run: Instruction, commands: list[list[str]], env: Mapping[str, str | None], assigned: set[str]) -> Iterator[DockerfileProblem]:
    cached = [mount.get("target", "").rstrip("/") for mount in mounts(run) if mount.get("type") in ("cache", "tmpfs")]
    removed = [word.rstrip("/*") for command in commands if program(command) == "rm" for word in command[1:] if not word.startswith("-")]

    def kept_out(folders: tuple[str, ...]) -> bool:
        return any(path and any(path == f or path.startswith(f + "/") or f.startswith(path + "/") for f in folders) for path in cached + removed)

    reported: set[str] = set()
    for command in commands:
        name = program(command)
        words = command[1:]
        if name == "apk" and "add" in words and "--no-cache" not in words and not kept_out(_APK_CACHE) and "apk" not in reported:
            reported.add("apk")
            yield DockerfileProblem.at(run, "apk add without --no-cache keeps the package index in /var/cache/apk in this layer")
        elif _is_pip(command) and "install" in words and "--no-cache-dir" not in words and "pip" not in reported:
            if env.get("PIP_NO_CACHE_DIR") or "PIP_NO_CACHE_DIR" in assigned or _pip_cache_out(cached + removed):
                continue
            reported.add("pip")
            yield DockerfileProblem.at(run, "pip install without --no-cache-dir keeps the downloaded packages in pip's cache in this layer")
        elif name in ("apt-get", "apt") and "update" in words and not kept_out(_APT_LISTS) and "apt" not in reported:
            reported.add("apt")
            yield DockerfileProblem.at(run, f"{name} update writes the package lists to /var/lib/apt/lists and this RUN does not remove them (rm -rf /var/lib/apt/lists/*)")


def _is_pip(command: list[str]) -> bool:
    name = program(command)
    if name == "pip" or (name.startswith("pip") and name[3:].replace(".", "").isdigit()):
        return True
    return name.startswith("python") and command[1:3] == ["-m", "pip"]


def _pip_cache_out(paths: list[str]) -> bool:
    return any(path.endswith("/.cache") or "/.cache/pip" in path + "/" or path.endswith("/.cache/pip") for path in paths)
