"""dockerfile-user-not-numeric: the final image's USER names a user instead of giving a uid.

The kubelet reads only the image's user (the part before ``:``): a name it cannot resolve, so with
``runAsNonRoot: true`` it refuses to start the container ("non-numeric user, cannot verify user is
non-root") unless the manifest sets runAsUser. ``USER 10001:app`` is numeric (the group is not
checked). ``root`` is left to dockerfile-root-user; a USER from a build argument without a default
is not known, so not judged. Only the last USER of the final image counts.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import final_image, has_variable, instructions_in, variables
from kgen.load.dockerfile import Dockerfile, substitute


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    chain = final_image(dockerfile)
    users = [instruction for instruction in instructions_in(chain) if instruction.keyword == "USER" and instruction.args]
    if not users:
        return
    last = users[-1]
    user = substitute(last.args[0], variables(dockerfile, chain, last)).partition(":")[0]
    if user.isdigit() or user == "root" or has_variable(user) or not user:
        return
    yield DockerfileProblem.at(last, f"USER {user} is a name: Kubernetes cannot verify it is not root (runAsNonRoot refuses it); use a numeric uid")
