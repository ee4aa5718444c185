"""Environment overlays and ``--set``: the profile data that gets rendered, and
where each of its fields came from (so a problem names the right line or flag)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from kgen.errors import KgenError, Location, ProfileError
from kgen.load.yamlload import Document, FieldPath, load_text
from kgen.model.k8s import format_field_path, get_path, plain_copy
from kgen.render.schema import Issue
from kgen.render.text import keep_written, quoted

ENVIRONMENTS = "environments"


@dataclass(frozen=True)
class SetOverride:
    """One ``--set path=value``: the path as typed, its keys and the parsed value
    (``source``: the value's YAML, to read text fields as typed)."""

    path_text: str
    path: tuple[str, ...]
    value: Any
    source: Document | None = field(default=None, compare=False, repr=False)

    def written_at(self, path: FieldPath) -> str | None:
        """The plain scalar typed for ``path`` (a path of the profile at or under this override)."""
        if self.source is None or path[: len(self.path)] != self.path:
            return None
        return self.source.plain_scalar(path[len(self.path) :])

    def quote(self, path: FieldPath, text: str) -> str:
        """How to type ``text`` quoted in this override."""
        if path == self.path:
            return f"--set '{self.path_text}=\"{text}\"'"
        return quoted(path, text)


def parse_set(text: str) -> SetOverride:
    """``replicas.min=3`` -> keys ('replicas', 'min') and the YAML scalar 3.

    A dot inside a key is written ``\\.`` (``podAnnotations.prometheus\\.io/scrape=true``).
    """
    path_text, equals, raw = text.partition("=")
    if not equals or not path_text.strip():
        raise KgenError(f"--set {text!r} is not path=value (like replicas.min=3 or image=repo:tag)")
    keys = tuple(key.replace("\\.", ".") for key in re.split(r"(?<!\\)\.", path_text.strip()))
    if any(not key for key in keys):
        raise KgenError(f"--set {text!r}: the path {path_text!r} has an empty key")
    value, source = _parse_value(raw)
    return SetOverride(path_text.strip(), keys, value, source)


def _parse_value(raw: str) -> tuple[Any, Document | None]:
    """A YAML scalar (``3`` int, ``false`` bool); flow ``[...]``/``{...}`` too; else the text."""
    if raw == "":
        return "", None
    parsed = list(load_text(raw, "--set"))  # problems come back as LoadError items
    if len(parsed) != 1 or not isinstance(parsed[0], Document):
        return raw, None
    value = parsed[0].data
    if isinstance(value, (dict, list)) and not raw.lstrip().startswith(("[", "{")):
        return raw, None
    return value, parsed[0]


def deep_merge(base: Any, overlay: Any) -> Any:
    """Mappings merge key by key; anything else in the overlay replaces the base."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base[key], value) if key in base else plain_copy(value)
        return merged
    return plain_copy(overlay)



def apply_set(data: dict[str, Any], override: SetOverride) -> dict[str, Any]:
    """A copy of ``data`` with the override applied (missing or non-mapping parents become mappings)."""
    result: dict[str, Any] = plain_copy(data)
    _set_in_place(result, override)
    return result


def _set_in_place(result: dict[str, Any], override: SetOverride) -> None:
    """The override applied to ``result`` itself (a copy the caller owns), in time of its path and value."""
    node = result
    for key in override.path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[override.path[-1]] = plain_copy(override.value)


@dataclass(frozen=True)
class Origins:
    """Maps a path in the rendered profile data back to where it was written."""

    document: Document
    env: str | None
    sets: tuple[SetOverride, ...]

    @cached_property
    def _set_paths(self) -> tuple[dict[tuple[Any, ...], int], dict[tuple[Any, ...], int]]:
        """The last override (its index) of each path, and of each path some override's path starts with."""
        exact: dict[tuple[Any, ...], int] = {}
        under: dict[tuple[Any, ...], int] = {}
        for index, override in enumerate(self.sets):
            exact[override.path] = index
            for depth in range(1, len(override.path) + 1):
                under[override.path[:depth]] = index
        return exact, under

    def _last_related(self, path: FieldPath) -> SetOverride | None:
        """The last override that set ``path``, a field inside it or a field that contains it,
        found by looking up ``path`` and its prefixes (never by trying every override)."""
        exact, under = self._set_paths
        found = [exact[path[:depth]] for depth in range(1, len(path) + 1) if path[:depth] in exact]
        if path and path in under:
            found.append(under[path])
        return self.sets[max(found)] if found else None

    def locate(self, path: FieldPath) -> tuple[Location, str | None]:
        """The location to report and the field name to show for ``path``."""
        override = self._last_related(path) if self.sets else None
        if override is not None:
            shown = path if path[: len(override.path)] == override.path else override.path
            return Location(self.document.source), f"--set {format_field_path(shown)}"
        field = format_field_path(path) if path else None
        if self.env is not None:
            base_depth = _depth(self.document.data, path)
            overlay_root: FieldPath = (ENVIRONMENTS, self.env)
            overlay_depth = _depth(get_path(self.document.data, overlay_root), path)
            if overlay_depth > 0 and overlay_depth >= base_depth:
                overlay_path = overlay_root + path
                return self.document.location(overlay_path), format_field_path(overlay_path)
        return self.document.location(path), field

    def error(self, path: FieldPath, message: str) -> ProfileError:
        location, field = self.locate(path)
        return ProfileError(message, location, field)


def _depth(data: Any, path: FieldPath) -> int:
    """How many leading keys of ``path`` exist in ``data``."""
    node = data
    for depth, key in enumerate(path):
        in_mapping = isinstance(key, str) and isinstance(node, dict) and key in node
        in_list = isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node)
        if not (in_mapping or in_list):
            return depth
        node = node[key]
    return len(path)


def profile_data(
    document: Document, env: str | None, sets: tuple[SetOverride, ...]
) -> tuple[dict[str, Any], Origins, list[Issue]]:
    """The document's base profile with the ``env`` overlay and the overrides applied,
    and the overrides' values that a text field cannot take as typed."""
    data: dict[str, Any] = document.data
    base = {key: value for key, value in data.items() if key != ENVIRONMENTS}
    origins = Origins(document, env, sets)
    if env is not None:
        overlays = data.get(ENVIRONMENTS) or {}
        if env not in overlays:
            raise _unknown_env(document, env, sorted(overlays))
        base = deep_merge(base, overlays[env])
    issues: list[Issue] = []
    if sets:
        base = plain_copy(base)  # copied once; every override then applied to the copy (linear in the flags)
    for override in sets:
        value, refused = keep_written(override.value, override.written_at, override.path, override.quote)
        issues.extend(refused)
        _set_in_place(base, replace(override, value=value))
    return base, origins, issues


def _unknown_env(document: Document, env: str, known: list[str]) -> ProfileError:
    if known:
        close = difflib.get_close_matches(env, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        message = f"--env {env!r} is not defined here (defined: {', '.join(known)}){hint}"
    else:
        message = f"--env {env!r} is not defined here: the profile has no environments"
    path: FieldPath = (ENVIRONMENTS,) if known else ()
    return ProfileError(message, document.location(path), ENVIRONMENTS)


__all__ = [
    "ENVIRONMENTS",
    "Origins",
    "SetOverride",
    "apply_set",
    "deep_merge",
    "parse_set",
    "profile_data",
]
