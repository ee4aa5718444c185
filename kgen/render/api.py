"""The render core: profiles in, validated objects and their text out.

``render_paths`` never writes anything; ``write_output_dir`` (kgen.render.writer)
puts a result into a folder. Both are what ``kgen render`` calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from kgen.errors import InternalError, ProfileError
from kgen.load.yamlload import DEFAULT_LIMITS, Limits
from kgen.model.k8s import format_field_path
from kgen.model.kubeschema import KubeSchemas, latest_version
from kgen.render.crds import custom_problems
from kgen.render.emit import comment_lines, file_name, file_text, sort_key, stream_text, to_yaml
from kgen.render.kinds import object_notes, render_profile
from kgen.render.loader import LoadedProfile, load_paths, load_text_profiles
from kgen.render.overlay import parse_set
from kgen.render.writer import WriteReport, write_output_dir

__all__ = [
    "RenderOptions",
    "RenderResult",
    "RenderedObject",
    "WriteReport",
    "render_paths",
    "render_text",
    "write_output_dir",
]


@dataclass(frozen=True)
class RenderOptions:
    """What to render: profile files or folders, an environment, overrides, a target version."""

    paths: tuple[str, ...]
    env: str | None = None
    sets: tuple[str, ...] = ()
    kubernetes_version: str | None = None
    limits: Limits = DEFAULT_LIMITS  # max_file_bytes: --max-file-size
    follow_symlinks: bool = False  # --follow-symlinks: read symbolic links below a folder that lead out of it


@dataclass(frozen=True)
class RenderedObject:
    """One object: its app, identity, data, file name and YAML (without header)."""

    app: str
    kind: str
    name: str
    namespace: str | None
    data: Mapping[str, Any]
    filename: str
    yaml: str


@dataclass(frozen=True)
class RenderResult:
    """Everything rendered, in output order; ``files`` maps file name -> file text."""

    objects: tuple[RenderedObject, ...]
    apps: tuple[str, ...]
    kubernetes_version: str
    stream_text: str
    files: Mapping[str, str]


def render_paths(options: RenderOptions) -> RenderResult:
    """Render every profile under ``options.paths``; raise KgenError on bad input."""
    sets = tuple(parse_set(text) for text in options.sets)
    version = options.kubernetes_version or latest_version()
    schemas = KubeSchemas(version)  # an unknown version fails before any file is read
    return _result(load_paths(options.paths, options.env, sets, options.limits, options.follow_symlinks), schemas)


def render_text(
    text: str,
    source: str = "<profile>",
    env: str | None = None,
    sets: tuple[str, ...] = (),
    kubernetes_version: str | None = None,
) -> RenderResult:
    """Render the profiles of one YAML text (for tests and tools that hold the text)."""
    schemas = KubeSchemas(kubernetes_version or latest_version())
    parsed = tuple(parse_set(item) for item in sets)
    return _result(load_text_profiles(text, source, env, parsed), schemas)


def _result(loaded: list[LoadedProfile], schemas: KubeSchemas) -> RenderResult:
    pairs = [(item, obj) for item in loaded for obj in render_profile(item.profile, schemas.version)]
    pairs.sort(key=lambda pair: sort_key(pair[1]))
    objects: list[RenderedObject] = []
    owners: dict[str, LoadedProfile] = {}
    for item, obj in pairs:
        _validate(obj, schemas)
        name = file_name(obj)
        _claim(owners, name, item)
        meta = obj["metadata"]
        objects.append(
            RenderedObject(
                app=item.profile.name,
                kind=obj["kind"],
                name=meta["name"],
                namespace=meta.get("namespace"),
                data=obj,
                filename=name,
                yaml=comment_lines(object_notes(obj, item.profile, schemas.version)) + to_yaml(obj),
            )
        )
    return RenderResult(
        objects=tuple(objects),
        apps=tuple(item.profile.name for item in loaded),
        kubernetes_version=schemas.version,
        stream_text=stream_text([o.yaml for o in objects]),
        files=MappingProxyType({o.filename: file_text(o.app, o.yaml) for o in objects}),
    )


def _claim(owners: dict[str, LoadedProfile], name: str, item: LoadedProfile) -> None:
    """Two apps must never render the same object (the same file)."""
    first = owners.setdefault(name, item)
    if first is not item:
        raise ProfileError(
            f"app {item.profile.name!r} renders {name}, which app {first.profile.name!r} "
            f"(at {first.location}) renders too; rename one of them",
            item.location,
            "name",
        )


def _validate(obj: Mapping[str, Any], schemas: KubeSchemas) -> None:
    """Strict kubernetes-validate schema check (a custom resource: its shipped CRD); a failure is a bug in kgen."""
    kind, name = obj["kind"], obj["metadata"]["name"]
    custom = custom_problems(obj, schemas)
    if custom is not None:
        origin, problems = custom
        for problem in problems:
            raise InternalError(
                f"rendered {kind}/{name} is not valid for its CustomResourceDefinition ({origin}): "
                f"{format_field_path(problem.path) or '(object)'}: {problem.message}{_BUG}"
            )
        return
    if not schemas.known(obj["apiVersion"], kind):
        raise InternalError(f"no Kubernetes {schemas.version} schema for {obj['apiVersion']} {kind}{_BUG}")
    for problem in schemas.problems(dict(obj)):
        raise InternalError(
            f"rendered {kind}/{name} is not valid for Kubernetes {schemas.version}: "
            f"{format_field_path(problem.path) or '(object)'}: {problem.message}{_BUG}"
        )


_BUG = "; this is a bug in kgen, please report it with the profile"
