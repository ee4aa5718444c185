"""The objects a pod spec names: ConfigMaps and Secrets (with the keys it reads), claims, pull secrets.

One walk over a pod spec, shared by reference-missing and
config-change-not-rolled. Each reference carries the path of the name (and
of the key) from the object, so findings point at the referencing field.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.load.yamlload import FieldPath
from kgen.model.k8s import containers

ALL_CONTAINERS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class Reference:
    """One field of a pod spec that names another object of the pod's namespace."""

    kind: str  # ConfigMap | Secret | PersistentVolumeClaim
    name: str
    path: FieldPath  # the field holding the name, from the object
    via: str  # env | envFrom | volume | imagePullSecrets
    what: str  # how the pod uses it, for messages: "env LOG_LEVEL of container web"
    optional: bool = False
    key: str | None = None  # the key it reads, when it reads one
    key_path: FieldPath = ()
    container: str | None = None  # the container that reads it (env, envFrom)


def pod_references(pod_spec: Mapping[str, Any], path: FieldPath, claim_templates: frozenset[str]) -> Iterator[Reference]:
    """Every reference of a pod spec at ``path``, containers first (in the order the API lists them).

    ``claim_templates`` are a StatefulSet's volumeClaimTemplates names: the
    controller puts a claim of its own in place of a pod volume of that name.
    """
    for ref in containers(pod_spec, path, ALL_CONTAINERS):
        yield from _env_references(ref.data, ref.path, ref.name)
    volumes = pod_spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if isinstance(volume, Mapping) and not (isinstance(volume.get("name"), str) and volume["name"] in claim_templates):
            yield from _volume_references(volume, path + ("volumes", index))
    pull = pod_spec.get("imagePullSecrets")
    for index, item in enumerate(pull if isinstance(pull, list) else ()):
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, str) and name:
            yield Reference("Secret", name, path + ("imagePullSecrets", index, "name"), "imagePullSecrets", "imagePullSecrets")


def env_references(pod_spec: Mapping[str, Any], path: FieldPath) -> Iterator[Reference]:
    """The ConfigMaps and Secrets read into environment variables (env valueFrom and envFrom)."""
    for ref in containers(pod_spec, path, ALL_CONTAINERS):
        yield from _env_references(ref.data, ref.path, ref.name)


_KEY_REFS = (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret"))
_SOURCE_REFS = (("configMapRef", "ConfigMap"), ("secretRef", "Secret"))


def _env_references(container: Mapping[str, Any], path: FieldPath, container_name: str) -> Iterator[Reference]:
    env = container.get("env")
    for index, item in enumerate(env if isinstance(env, list) else ()):
        value_from = item.get("valueFrom") if isinstance(item, Mapping) else None
        if not isinstance(value_from, Mapping):
            continue
        variable = item.get("name") if isinstance(item.get("name"), str) else f"#{index}"
        for field_name, kind in _KEY_REFS:
            selector = value_from.get(field_name)
            if not isinstance(selector, Mapping) or not _named(selector, "name"):
                continue
            at = path + ("env", index, "valueFrom", field_name)
            key = selector.get("key")
            yield Reference(
                kind,
                selector["name"],
                at + ("name",),
                "env",
                f"env {variable} of container {container_name}",
                selector.get("optional") is True,
                key if isinstance(key, str) and key else None,
                at + ("key",),
                container_name,
            )
    env_from = container.get("envFrom")
    for index, item in enumerate(env_from if isinstance(env_from, list) else ()):
        if not isinstance(item, Mapping):
            continue
        for field_name, kind in _SOURCE_REFS:
            source = item.get(field_name)
            if isinstance(source, Mapping) and _named(source, "name"):
                yield Reference(
                    kind,
                    source["name"],
                    path + ("envFrom", index, field_name, "name"),
                    "envFrom",
                    f"envFrom of container {container_name}",
                    source.get("optional") is True,
                    container=container_name,
                )


def _volume_references(volume: Mapping[str, Any], path: FieldPath) -> Iterator[Reference]:
    what = f"volume {volume.get('name')}"
    config_map = volume.get("configMap")
    if isinstance(config_map, Mapping) and _named(config_map, "name"):
        yield from _with_items("ConfigMap", config_map, "name", path + ("configMap",), what)
    secret = volume.get("secret")
    if isinstance(secret, Mapping) and _named(secret, "secretName"):
        yield from _with_items("Secret", secret, "secretName", path + ("secret",), what)
    claim = volume.get("persistentVolumeClaim")
    if isinstance(claim, Mapping) and _named(claim, "claimName"):
        yield Reference(
            "PersistentVolumeClaim", claim["claimName"], path + ("persistentVolumeClaim", "claimName"), "volume", what
        )
    projected = volume.get("projected")
    sources = projected.get("sources") if isinstance(projected, Mapping) else None
    for index, source in enumerate(sources if isinstance(sources, list) else ()):
        if not isinstance(source, Mapping):
            continue
        for field_name, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            projection = source.get(field_name)
            if isinstance(projection, Mapping) and _named(projection, "name"):
                at = path + ("projected", "sources", index, field_name)
                yield from _with_items(kind, projection, "name", at, what)


def _with_items(kind: str, source: Mapping[str, Any], name_field: str, path: FieldPath, what: str) -> Iterator[Reference]:
    """The object a configMap / secret volume (or projection) names, then each key its items pick."""
    optional = source.get("optional") is True
    name = source[name_field]
    yield Reference(kind, name, path + (name_field,), "volume", what, optional)
    items = source.get("items")
    for index, item in enumerate(items if isinstance(items, list) else ()):
        key = item.get("key") if isinstance(item, Mapping) else None
        if isinstance(key, str) and key:
            at = path + ("items", index, "key")
            yield Reference(kind, name, path + (name_field,), "volume", what, optional, key, at)


def _named(source: Mapping[str, Any], field_name: str) -> bool:
    value = source.get(field_name)
    return isinstance(value, str) and value != ""
