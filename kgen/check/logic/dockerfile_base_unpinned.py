"""dockerfile-base-unpinned: a FROM image without a tag (which means latest) or with a moving tag.

The image is read as BuildKit reads it: global ARG defaults substituted; a name of an earlier stage
is that stage, not an image; ``scratch`` is no image; a digest pins whatever the tag says. A part
left to a build argument without a default (``FROM python:${VERSION}``) is not known, so not judged.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.dockerfiles import DockerfileProblem
from kgen.check.logic._dockerfile import has_variable
from kgen.load.dockerfile import Dockerfile
from kgen.model.k8s import parse_image


def check_dockerfile(dockerfile: Dockerfile, params: Mapping[str, Any]) -> Iterator[DockerfileProblem]:
    mutable = set(params.get("mutableTags", ["latest"]))
    for stage in dockerfile.stages:
        image = stage.resolved
        if not image or image.lower() == "scratch" or dockerfile.parent(stage) is not None or has_variable(image):
            continue
        ref = parse_image(image)
        if ref.digest:
            continue
        shown = image if image == stage.base else f"{image} ({stage.base} with its ARG default)"
        if ref.tag is None:
            yield DockerfileProblem.at(stage.from_instruction, f"base image {shown} has no tag: it means latest, whatever that is at build time")
        elif ref.tag in mutable:
            yield DockerfileProblem.at(stage.from_instruction, f"base image {shown} uses the moving tag {ref.tag}")
