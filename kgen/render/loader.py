"""Profile files -> validated profiles, every problem located at file:line:column."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator

from kgen.errors import InputError, Location, ProfileError
from kgen.load.discover import discover, read_text
from kgen.load.yamlload import DEFAULT_LIMITS, Document, FieldPath, Limits, load_text
from kgen.model.k8s import format_field_path
from kgen.render.build import BuildUnreadable, FIELD, build_issues, dockerfile_path, read_facts
from kgen.render.emit import header_app
from kgen.render.overlay import SetOverride, profile_data
from kgen.render.profile import Profile, ProfileIssues, build_profile
from kgen.render.schema import Issue, schema_issues
from kgen.render.text import keep_written


@dataclass(frozen=True)
class LoadedProfile:
    """A profile and where its document starts (to name it in later errors)."""

    profile: Profile
    location: Location


def load_paths(
    paths: Iterable[str],
    env: str | None,
    sets: tuple[SetOverride, ...],
    limits: Limits = DEFAULT_LIMITS,
    follow_symlinks: bool = False,
) -> list[LoadedProfile]:
    """Every profile in the files and folders named (folders recursively, sorted)."""
    named = list(paths)
    loaded: list[LoadedProfile] = []
    for source in discover(named, follow_symlinks=follow_symlinks):
        explicit = source.name in named
        text = read_text(source, limits)
        if not explicit and _skipped(text):
            continue
        found = load_text_profiles(text, source.name, env, sets)
        if explicit and not found:
            raise ProfileError("no profile in this file (it is empty)", Location(source.name))
        loaded.extend(found)
    if not loaded:
        raise InputError(f"no profiles found in {', '.join(named)} (looked for *.yaml, *.yml, *.json)")
    _check_unique(loaded)
    return loaded


def _skipped(text: str) -> bool:
    """Files in a folder that are not profiles: empty, or written by kgen render -o."""
    return not text.strip() or header_app(text.split("\n", 1)[0]) is not None


def load_text_profiles(
    text: str, source: str, env: str | None = None, sets: tuple[SetOverride, ...] = ()
) -> list[LoadedProfile]:
    """The profiles of one YAML stream (one app per document)."""
    return [_load_document(doc, env, sets) for doc in _documents(text, source)]


def _documents(text: str, source: str) -> Iterator[Document]:
    for item in load_text(text, source):
        if not isinstance(item, Document):
            raise item
        yield item


def _load_document(doc: Document, env: str | None, sets: tuple[SetOverride, ...]) -> LoadedProfile:
    _refuse_manifest(doc)
    written, text_issues = keep_written(doc.data, doc.plain_scalar, key_at=doc.written_key)
    doc = replace(doc, data=written)
    _raise_first(_with_schema_issues(text_issues, written), lambda path, message: _at(doc, path, message))
    data, origins, set_issues = profile_data(doc, env, sets)
    if env is not None or sets:
        _raise_first(_with_schema_issues(set_issues, data), origins.error)
    facts = None
    dockerfile = dockerfile_path(data, doc.source)
    if dockerfile is not None:
        try:
            facts = read_facts(dockerfile, doc.source)
        except BuildUnreadable as exc:
            raise origins.error(FIELD, str(exc)) from None
    try:
        profile = build_profile(data, env, facts.user if facts else None)
    except ProfileIssues as exc:
        _raise_first(exc.issues, origins.error)
        raise
    if facts is not None:
        _raise_first(list(build_issues(data, profile, facts)), origins.error)
    line, column = doc.start
    return LoadedProfile(profile, Location(doc.source, line, column))


def _with_schema_issues(text_issues: list[Issue], data: Any) -> list[Issue]:
    """The text fields' issues, and the schema's about every other field."""
    refused = {issue.path for issue in text_issues}
    return text_issues + [issue for issue in schema_issues(data) if issue.path not in refused]


def _refuse_manifest(doc: Document) -> None:
    data: Any = doc.data
    if isinstance(data, dict) and "apiVersion" in data and "kind" in data:
        raise ProfileError(
            f"this is a Kubernetes manifest (kind: {data['kind']}), not a kgen profile; "
            "a profile has name, type and image (see `kgen render --help`)",
            doc.location(()),
        )


def _at(doc: Document, path: FieldPath, message: str) -> ProfileError:
    return ProfileError(message, doc.location(path), format_field_path(path) or None)


def _raise_first(issues: list[Issue], locate: Any) -> None:
    """Raise the issue that comes first in the file (ties: the schema's order)."""
    if not issues:
        return
    paths = [issue.path for issue in issues]
    specific = [  # an issue inside a field says more than one about the whole field
        issue
        for issue in issues
        if not any(len(other) > len(issue.path) and other[: len(issue.path)] == issue.path for other in paths)
    ]
    errors: list[ProfileError] = [locate(issue.path, issue.message) for issue in specific]
    first = min(range(len(errors)), key=lambda i: (_position(errors[i]), i))
    raise errors[first]


def _position(error: ProfileError) -> tuple[int, int]:
    if error.location is None:
        return (0, 0)
    return (error.location.line, error.location.column)


def _check_unique(loaded: list[LoadedProfile]) -> None:
    seen: dict[str, LoadedProfile] = {}
    for item in loaded:
        first = seen.setdefault(item.profile.name, item)
        if first is not item:
            raise ProfileError(
                f"app {item.profile.name!r} is defined twice (first at {first.location}); "
                "app names must be unique",
                item.location,
                "name",
            )
