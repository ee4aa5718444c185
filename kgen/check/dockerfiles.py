"""What a Dockerfile rule is: a logic module with ``check_dockerfile(dockerfile, params)`` yielding
``DockerfileProblem``s, declared by a policy file with ``target: Dockerfile`` (see policies/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Protocol

from kgen.load.dockerfile import Dockerfile, Instruction


@dataclass(frozen=True)
class DockerfileProblem:
    """One finding of a Dockerfile rule: what is wrong, and where (1-based line and column)."""

    message: str
    line: int
    column: int
    severity: str | None = None  # only for rules whose severity depends on the case

    @classmethod
    def at(cls, instruction: Instruction, message: str, severity: str | None = None) -> "DockerfileProblem":
        return cls(message, instruction.line, instruction.column, severity)


class DockerfileCheck(Protocol):
    def __call__(self, dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]: ...
