"""api-deprecated: an apiVersion deprecated or removed in the target Kubernetes version."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from kgen.check.api import Context, Target, Violation
from kgen.model.kubeschema import release




def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    api_version, kind = target.entry.ref.api_version, target.entry.ref.kind
    wanted = release(ctx.kubernetes_version)
    for api in params["apis"]:
        if api["apiVersion"] != api_version or (api.get("kinds") and kind not in api["kinds"]):
            continue
        replacement = api.get("replacement")
        advice = f"use {replacement}" if replacement else api.get("advice", "no replacement exists")
        removed = api.get("removedIn")
        if removed is not None and wanted >= release(removed):
            yield Violation(
                f"{kind} {api_version} was removed in Kubernetes {removed} "
                f"(target: {ctx.kubernetes_version}); {advice}",
                ("apiVersion",),
            )
        elif wanted >= release(api["deprecatedIn"]):
            until = f", and is removed in {removed}" if removed else ""
            yield Violation(
                f"{kind} {api_version} is deprecated since Kubernetes {api['deprecatedIn']}{until}; {advice}",
                ("apiVersion",),
            )
        return
