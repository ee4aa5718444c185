"""dockerfile-add-instead-of-copy: ADD of local files or folders, which COPY does plainly.

ADD is the right instruction for what COPY cannot do: a URL or a git repository as source, or a
local tar archive (plain, gzip, bzip2, xz or zstd compressed), which ADD extracts. A zip is not
extracted by ADD (it is copied as is), so ADD of a zip is reported. An ADD with any source that
needs ADD passes; a source left to a variable without a known value is not judged.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import has_variable, variables
from kgen.load.dockerfile import Dockerfile, substitute

_REMOTE = re.compile(r"^(https?://|git@|git://|ssh://)", re.IGNORECASE)
_ARCHIVE = re.compile(r"\.(tar|tar\.(gz|bz2|xz|zst|lz4)|tgz|tbz2?|txz|tzst)$", re.IGNORECASE)


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    for stage in dockerfile.stages:
        chain = dockerfile.ancestry(stage)
        for instruction in stage.instructions:
            if instruction.keyword != "ADD":
                continue
            values = variables(dockerfile, chain, instruction)
            sources = [substitute(source, values) for source in instruction.args[:-1]]
            if not sources or any(has_variable(s) or _REMOTE.match(s) or _ARCHIVE.search(s) for s in sources):
                continue
            yield DockerfileProblem.at(instruction, f"ADD {' '.join(instruction.args[:-1])} copies local files: COPY does that without ADD's URL and archive handling")
