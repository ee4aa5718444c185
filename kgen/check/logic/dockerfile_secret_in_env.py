"""dockerfile-secret-in-env: an ENV or ARG whose name says it carries a secret, with a value.

ENV values are stored in the image's config (``docker inspect`` shows them to anyone who can pull
the image); an ARG default is written in the Dockerfile and used whenever no build argument is
given. Names are read as env-secret-literal reads them (API_KEY, DB_PASSWORD, but not TOKEN_URL
or PASSWORD_FILE). Not a secret: an empty value (``ENV API_KEY=``), an ARG without a default
(the value comes at build time and stays out of the image's config), an absolute file path,
true or false. Unlike in a manifest, ``ENV API_KEY=$API_KEY`` is reported: the build expands it,
so the build argument's value is stored in the image. The value is never printed.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import has_variable
from kgen.load.dockerfile import arg_pairs, env_pairs
from kgen.check.logic._secret_names import names_a_secret
from kgen.load.dockerfile import Dockerfile


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    for instruction in dockerfile.instructions:
        if instruction.keyword == "ENV":
            pairs: list[tuple[str, str | None]] = list(env_pairs(instruction))
        elif instruction.keyword == "ARG":
            pairs = arg_pairs(instruction)
        else:
            continue
        for name, value in pairs:
            if value is None or not names_a_secret(name) or not _is_value(value):
                continue
            if instruction.keyword == "ENV" and has_variable(value):
                why = "takes its value from the build and stores it in the image's config"
            elif instruction.keyword == "ENV":
                why = "is named like a secret and has a literal value, stored in the image's config"
            else:
                why = "is named like a secret and has a literal default in the Dockerfile"
            yield DockerfileProblem.at(instruction, f"{instruction.keyword} {name} {why}")


def _is_value(value: str) -> bool:
    text = value.strip()
    if not text or text.lower() in ("true", "false"):
        return False
    return not (text.startswith("/") and not any(c.isspace() for c in text))
