"""default-namespace: a namespaced object that names no namespace, or names "default"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.model.k8s import CLUSTER_SCOPED, api_group, is_kubernetes_group



def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    kind = target.kind
    if kind in CLUSTER_SCOPED or not is_kubernetes_group(api_group(target.obj.get("apiVersion"))):
        return
    metadata = target.obj.get("metadata")
    namespace = metadata.get("namespace") if isinstance(metadata, Mapping) else None
    if _created_by_kubernetes(kind, metadata, namespace):
        return
    if namespace is None or namespace == "":
        yield Violation(
            f"{kind} names no metadata.namespace, so it goes to the namespace of whoever applies it "
            "(usually default)",
            ("metadata", "namespace"),
        )
    elif namespace == "default":
        yield Violation(f"{kind} is in the default namespace", ("metadata", "namespace"))


def _created_by_kubernetes(kind: str, metadata: Any, namespace: Any) -> bool:
    """Objects Kubernetes itself keeps: every namespace's ServiceAccount "default", the Service "kubernetes" in default."""
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    if kind == "ServiceAccount" and name == "default":
        return True
    return kind == "Service" and name == "kubernetes" and namespace in (None, "", "default")
