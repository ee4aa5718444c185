"""config-change-not-rolled: config read into env by pods that nothing restarts when it changes.

The kubelet resolves env valueFrom and envFrom once, when a container
starts; a mounted configMap or secret volume is updated in place. So a
change to a ConfigMap or Secret read into env reaches the pods only when
they are replaced, and editing it in place does not replace them: the pod
template must change too (a checksum annotation), or the object's name (a
content-hash suffix), or a controller must restart them (Reloader, Wave).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._config_refs import Reference, env_references
from kgen.model.k8s import get_path, pod_template_metadata_path

#: kustomize's configMapGenerator / secretGenerator suffix: "-" and the first 10 hex digits of a
#: SHA-256 with 0, 1, 3, a and e replaced by g, h, k, m and t (so no vowel and no 0/1/3 remain).
HASH_SUFFIX = re.compile(r"-[bcdfghkmt2456789]{10}\Z")

#: Annotations by which a controller restarts the pods when their config changes, on the workload:
#: (key, which kinds it covers, whether its value lists the names covered).
_RELOADERS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("reloader.stakater.com/auto", ("ConfigMap", "Secret"), False),
    ("configmap.reloader.stakater.com/auto", ("ConfigMap",), False),
    ("secret.reloader.stakater.com/auto", ("Secret",), False),
    ("reloader.stakater.com/search", ("ConfigMap", "Secret"), False),
    ("configmap.reloader.stakater.com/reload", ("ConfigMap",), True),
    ("secret.reloader.stakater.com/reload", ("Secret",), True),
    ("wave.pusher.com/update-on-config-change", ("ConfigMap", "Secret"), False),
)


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    path = entry.pod_spec_path
    pod_spec = get_path(entry.data, path) if path is not None else None
    if path is None or not isinstance(pod_spec, Mapping):
        return
    template_annotations = _annotations(get_path(entry.data, pod_template_metadata_path(path) + ("annotations",)))
    markers = tuple(str(m).lower() for m in params.get("checksumAnnotations", ("checksum",)))
    if any(marker in key.lower() for key in template_annotations for marker in markers):
        return  # the template changes with the config (Helm's checksum/config), so the pods roll
    reloaded = _annotations(get_path(entry.data, ("metadata", "annotations"))) | template_annotations
    extra = frozenset(str(k) for k in params.get("restartAnnotations", ()))
    if extra & reloaded.keys():
        return
    seen: set[tuple[str, str]] = set()
    for ref in env_references(pod_spec, path):
        if (ref.kind, ref.name) in seen:
            continue
        seen.add((ref.kind, ref.name))
        if _rolled(ref, entry.namespace, reloaded, ctx):
            continue
        yield Violation(
            f"{ref.what} reads {ref.kind} {ref.name}, but env is read only when a container starts (a mounted "
            "volume is updated in place by the kubelet; env is not): with no checksum annotation on the pod "
            "template and no content hash in its name, changing it does not restart the pods",
            ref.path,
            container=ref.container,
        )


def _rolled(ref: Reference, namespace: str, annotations: Mapping[str, str], ctx: Context) -> bool:
    """Whether a change to the referenced object replaces the pods (or cannot happen in place)."""
    if ctx.index.config_keys(ref.kind, namespace, ref.name) is None:
        return True  # not among the checked objects: where it is changed, and how, is not known here
    if not ctx.index.config_mutable(ref.kind, namespace, ref.name):
        return True  # immutable: a change is a new object under a new name, which changes the template
    if HASH_SUFFIX.search(ref.name):
        return True
    for key, kinds, lists_names in _RELOADERS:
        value = annotations.get(key)
        if value is None or ref.kind not in kinds:
            continue
        if lists_names:
            if ref.name in (name.strip() for name in value.split(",")):
                return True
        elif value.strip().lower() == "true":
            return True
    return False


def _annotations(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}
