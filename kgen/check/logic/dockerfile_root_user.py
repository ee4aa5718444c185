"""dockerfile-root-user: the final image runs as root: its last USER (in the last stage or a stage
it builds FROM) is root or uid 0, or it sets no USER at all, so the base image's user applies,
root for nearly every base image (and always for scratch).

A later USER overrides an earlier one: ``USER root`` to install, then ``USER 10001``, passes. A
base image published to run as non-root (a ``nonroot`` tag, as distroless has) with no USER passes.
A USER given by a build argument without a default is not known, so not judged.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import final_image, has_variable, instructions_in, variables
from kgen.load.dockerfile import Dockerfile, substitute
from kgen.model.k8s import parse_image


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    chain = final_image(dockerfile)
    if not chain:
        return
    users = [instruction for instruction in instructions_in(chain) if instruction.keyword == "USER" and instruction.args]
    if not users:
        base = chain[0].resolved
        if "nonroot" in (parse_image(base).tag or "").lower() or has_variable(base):
            return
        whose = "scratch runs as uid 0" if base.lower() == "scratch" else f"the user of {base} applies, root unless that image sets one"
        yield DockerfileProblem.at(dockerfile.stages[-1].from_instruction, f"the final stage sets no USER: {whose}")
        return
    last = users[-1]
    user = substitute(last.args[0], variables(dockerfile, chain, last)).partition(":")[0]
    if user in ("root", "0"):
        yield DockerfileProblem.at(last, f"the final USER is {last.args[0]}: the container runs as root")
