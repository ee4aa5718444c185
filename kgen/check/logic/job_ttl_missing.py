"""job-ttl-missing: a Job nothing deletes once it has finished."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation

#: Annotations by which a deploy tool deletes a hook Job, and the values that mean it does.
_HOOK_DELETE = {
    "helm.sh/hook-delete-policy": frozenset({"hook-succeeded", "before-hook-creation"}),
    "argocd.argoproj.io/hook-delete-policy": frozenset({"HookSucceeded", "BeforeHookCreation"}),
}


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    obj = target.obj
    spec = obj.get("spec")
    if isinstance(spec, Mapping) and spec.get("ttlSecondsAfterFinished") is not None:
        return
    metadata = obj.get("metadata")
    if isinstance(metadata, Mapping) and (_owned_by_cronjob(metadata) or _deleted_as_hook(metadata)):
        return
    yield Violation(
        "Job sets no spec.ttlSecondsAfterFinished; once it finishes, the Job and its pods stay "
        "until someone deletes them",
        ("spec", "ttlSecondsAfterFinished"),
    )


def _owned_by_cronjob(metadata: Mapping[str, Any]) -> bool:
    owners = metadata.get("ownerReferences")
    return isinstance(owners, list) and any(
        isinstance(owner, Mapping) and owner.get("kind") == "CronJob" for owner in owners
    )


def _deleted_as_hook(metadata: Mapping[str, Any]) -> bool:
    annotations = metadata.get("annotations")
    if not isinstance(annotations, Mapping):
        return False
    for key, deleting in _HOOK_DELETE.items():
        value = annotations.get(key)
        if isinstance(value, str) and any(part.strip() in deleting for part in value.split(",")):
            return True
    return False
