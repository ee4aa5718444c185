"""Risk notes on configuration: changes that do not reach the pods that use them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Iterator

from kgen.diff.normalize import normalize
from kgen.diff.risk_support import Note, items, mapping, names
from kgen.diff.result import ObjectKey
from kgen.diff.trees import Workload
from kgen.model.k8s import containers, get_path

if TYPE_CHECKING:
    from kgen.diff.risks import Pair


def config_changed_not_rolled(pair: Pair) -> Iterator[Note]:
    """A ConfigMap's data changed while workloads read the changed keys through env and keep
    their pod template.

    The kubelet resolves env (``configMapKeyRef``, ``envFrom``) once, when it starts a
    container; a pod never sees a later change. Only a change of the pod template (a
    checksum annotation, an image) makes the controller replace the pods. Mounted
    volumes are refreshed by the kubelet, so they are not noted. ``binaryData`` is not
    readable through env."""
    if pair.old is None or pair.new is None or pair.trees is None or (pair.key.group, pair.key.kind) != ("", "ConfigMap"):
        return
    old, new = mapping(pair.old.get("data")), mapping(pair.new.get("data"))
    changed = {key for key in set(old) | set(new) if old.get(key) != new.get(key)}
    if not changed:
        return
    stale: list[ObjectKey] = []
    for workload in pair.trees.new.config_map_readers(pair.key.namespace, pair.key.name):
        if not _reads(workload, pair.key.name, changed):
            continue
        before = pair.trees.old.workload(workload.key)
        if before is not None and _template(before) == _template(workload):
            stale.append(workload.key)
    if stale:
        keys = ", ".join(sorted(str(key) for key in changed))
        yield ("data",), (
            f"data changed ({keys}) but {names(stale)} read{'s' if len(set(stale)) == 1 else ''} it through env "
            "and keep" + ("s" if len(set(stale)) == 1 else "") + " the same pod template: running pods keep the "
            "old values until they restart (a checksum annotation on the template, or kubectl rollout restart)"
        )


def _reads(workload: Workload, config_map: str, changed: set[str]) -> bool:
    """Whether a container reads one of the ``changed`` keys of ``config_map`` through env."""
    for ref in containers(workload.pod_spec, ()):
        for source in items(ref.data.get("envFrom")):
            if mapping(mapping(source).get("configMapRef")).get("name") == config_map:
                return True
        for variable in items(ref.data.get("env")):
            selector = mapping(get_path(variable, ("valueFrom", "configMapKeyRef")))
            if selector.get("name") == config_map and selector.get("key") in changed:
                return True
    return False


def _template(workload: Workload) -> Any:
    """The pod template as the diff compares it (reordering is no change)."""
    path = workload.shape.template_path or workload.shape.pod_spec_path
    tree: Any = normalize(workload.data, workload.key.group, ())
    for key in path:
        tree = tree.get(key) if isinstance(tree, Mapping) else None
    return tree
