"""ephemeral-storage-unbounded: containers without an ephemeral-storage limit, emptyDirs without sizeLimit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import containers, get_path

_LIMIT = ("resources", "limits", "ephemeral-storage")


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    spec = target.data
    for ref in containers(spec, ()):  # paths relative to the pod spec
        if get_path(ref.data, _LIMIT) is None:
            yield Violation(
                f'container "{ref.name}" sets no resources.limits.ephemeral-storage; its writable layer '
                "and logs may fill the node's disk",
                ref.path + _LIMIT,
            )
    volumes = spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if not isinstance(volume, Mapping):
            continue
        path: FieldPath
        if "emptyDir" in volume:
            empty_dir, path = volume["emptyDir"], ("volumes", index, "emptyDir")
        elif set(volume) <= {"name"}:  # no source at all: the API server defaults it to an emptyDir
            empty_dir, path = {}, ("volumes", index)
        else:
            continue
        if not isinstance(empty_dir, Mapping) or empty_dir.get("sizeLimit") is not None:
            continue
        grows = "in memory up to the pod's memory limit" if empty_dir.get("medium") == "Memory" else "until the node's disk is full"
        yield Violation(f'emptyDir volume "{volume.get("name")}" sets no sizeLimit; it may grow {grows}', path)
