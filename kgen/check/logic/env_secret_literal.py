"""env-secret-literal: a secret written into a manifest: an env var or a ConfigMap key named like a secret with a literal value.

Env vars of every container kind (init, app and ephemeral containers); a
ConfigMap's data and binaryData keys. A value that is a PEM or OpenSSH
private key counts whatever its name. The value itself is never repeated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.logic._secret_names import carries_literal, is_private_key, names_a_secret
from kgen.model.k8s import containers, get_path

ALL_CONTAINERS = ("initContainers", "containers", "ephemeralContainers")


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    if entry.pod_spec_path is not None:
        yield from _env(target)
    elif entry.kind == "ConfigMap" and entry.group == "":
        yield from _config_map(target.data)


def _env(target: Target) -> Iterator[Violation]:
    path = target.entry.pod_spec_path or ()
    for ref in containers(get_path(target.data, path), path, ALL_CONTAINERS):
        env = ref.data.get("env")
        for index, var in enumerate(env if isinstance(env, list) else ()):
            if not isinstance(var, Mapping):
                continue
            name, value = var.get("name"), var.get("value")
            if not isinstance(name, str) or not isinstance(value, str):
                continue
            why = _why(name, value)
            if why is not None:
                yield Violation(
                    f'container "{ref.name}" env {name} {why}; anyone who can read the '
                    f"{target.entry.kind} (or the repository) reads it, and Secret access rules do not apply",
                    ref.path + ("env", index, "value"),
                )


def _config_map(config_map: Mapping[str, Any]) -> Iterator[Violation]:
    for section in ("data", "binaryData"):
        data = config_map.get(section)
        if not isinstance(data, Mapping):
            continue
        for key, value in data.items():
            if not isinstance(key, str) or not isinstance(value, str):
                continue
            why = _why(key, value) if section == "data" else (_named(key) if value.strip() else None)
            if why is not None:
                yield Violation(
                    f"ConfigMap {section} key {key} {why}; ConfigMaps are not Secrets: anyone who can read "
                    "ConfigMaps in the namespace reads it",
                    (section, key),
                )


def _why(name: str, value: str) -> str | None:
    """Why the value is a secret written as a literal, or None."""
    if is_private_key(value):
        return "holds a private key as a literal value"
    return _named(name) if carries_literal(value) else None


def _named(name: str) -> str | None:
    return "is named like a secret and has a literal value" if names_a_secret(name) else None
