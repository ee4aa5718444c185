"""Two sides -> a DiffResult: match objects by key, compare, redact, assess risks."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any, Iterable, Optional

from kgen.diff.compare import Changes, RawChange, compare
from kgen.diff.normalize import NamedList, Quantity, normalize
from kgen.diff.objects import Side, SourceObject
from kgen.diff.paths import ANY, Path, PatternPath, covers, segment_matches
from kgen.diff.result import (
    ADDED,
    CHANGED,
    REDACTED,
    REMOVED,
    DiffResult,
    FieldChange,
    ObjectDiff,
    ObjectKey,
)
from kgen.diff.renames import find_renames
from kgen.diff.risks import Pair, assess
from kgen.diff.rollout import annotate
from kgen.diff.trees import Trees
from kgen.model.k8s import WorkloadIndex

#: Secret fields whose values are never shown (the last-applied annotation
#: of a Secret holds its data too).
_SECRET_FIELDS: tuple[PatternPath, ...] = (
    ("data", ANY),
    ("stringData", ANY),
    ("metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"),
)


def diff_sides(
    old: Side, new: Side, ignores: tuple[PatternPath, ...], workloads: WorkloadIndex = WorkloadIndex()
) -> DiffResult:
    """Every object that differs, in key order; unchanged objects are counted.

    ``workloads`` says which kinds are workloads and where their pod specs,
    replicas and selectors live (the built-ins plus the kinds the config declares)."""
    objects: list[ObjectDiff] = []
    unchanged = 0
    trees = Trees(
        {key: found.data for key, found in old.objects.items()},
        {key: found.data for key, found in new.objects.items()},
        workloads,
    )
    renames = find_renames(old, new)
    for key in sorted((set(old.objects) | set(new.objects)) - renames.old_keys):
        previous = renames.old_of.get(key)
        if previous is not None:
            found: Optional[ObjectDiff] = _diff_renamed(key, old.objects[previous], new.objects[key], ignores, trees)
        else:
            found = _diff_object(key, old.objects.get(key), new.objects.get(key), ignores, workloads, trees)
        if found is None:
            unchanged += 1
        else:
            objects.append(found)
    return DiffResult(annotate(objects, new, renames, workloads), unchanged, old.ignored, new.ignored)


def _diff_renamed(
    key: ObjectKey, before: SourceObject, after: SourceObject, ignores: tuple[PatternPath, ...], trees: Trees
) -> ObjectDiff:
    """A hash-suffixed ConfigMap or Secret under its new name: the content diff, the name aside.
    The new name is a new object, so a change an ``immutable: true`` old one forbids is allowed."""
    secret = _is_secret(key)
    raw = compare(normalize(before.data, key.group, ignores), normalize(after.data, key.group, ignores))
    changes = tuple(_field_change(change, secret, _is_config_map(key)) for change in raw.kept if change.path != ("metadata", "name"))
    risks = assess(Pair(key, before.data, after.data, changes + _hidden(raw), trees=trees), ignores)
    return ObjectDiff(
        key,
        CHANGED,
        before.api_version,
        after.api_version,
        before.location,
        after.location,
        changes=changes,
        risks=tuple(risk for risk in risks if risk.code != "immutable-field"),
        renamed_from=before.key.name,
        more_changes=raw.more,
    )


def _diff_object(
    key: ObjectKey,
    before: Optional[SourceObject],
    after: Optional[SourceObject],
    ignores: tuple[PatternPath, ...],
    workloads: WorkloadIndex,
    trees: Optional[Trees] = None,
) -> Optional[ObjectDiff]:
    secret = _is_secret(key)
    present = after if after is not None else before
    assert present is not None  # the key came from one of the sides
    shape = workloads.shape(present.data)
    if before is None or after is None:
        pair = Pair(key, before.data if before else None, after.data if after else None, shape=shape, trees=trees)
        content = _redact((), to_display(normalize(present.data, key.group, ignores)), secret, _is_config_map(key))[0]
        return ObjectDiff(
            key,
            ADDED if before is None else REMOVED,
            before.api_version if before else None,
            after.api_version if after else None,
            before.location if before else None,
            after.location if after else None,
            risks=assess(pair, ignores),
            content=content,
        )
    raw = compare(normalize(before.data, key.group, ignores), normalize(after.data, key.group, ignores))
    if not raw.kept:
        return None
    changes = tuple(_field_change(change, secret, _is_config_map(key)) for change in raw.kept)
    return ObjectDiff(
        key,
        CHANGED,
        before.api_version,
        after.api_version,
        before.location,
        after.location,
        changes=changes,
        risks=assess(Pair(key, before.data, after.data, changes + _hidden(raw), shape, trees), ignores),
        more_changes=raw.more,
    )


def _hidden(raw: Changes) -> tuple[FieldChange, ...]:
    """The fields of the changes past the limit, for the risk notes (values are not needed there)."""
    return tuple(FieldChange(path, CHANGED) for path in raw.hidden)


def _is_secret(key: ObjectKey) -> bool:
    return key.group == "" and key.kind == "Secret"


def _is_config_map(key: ObjectKey) -> bool:
    return key.group == "" and key.kind == "ConfigMap"


def _field_change(change: RawChange, secret: bool, binary: bool = False) -> FieldChange:
    old, old_redacted = _redact(change.path, to_display(change.old), secret, binary)
    new, new_redacted = _redact(change.path, to_display(change.new), secret, binary)
    return FieldChange(change.path, change.op, old, new, old_redacted or new_redacted)


def to_display(value: Any) -> Any:
    """A canonical value -> plain data as the manifest wrote it (named lists as lists)."""
    if isinstance(value, Quantity):
        return value.text
    if isinstance(value, NamedList):
        return [to_display(item) for item in value.values()]
    if isinstance(value, dict):
        return {key: to_display(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_display(item) for item in value]
    return value


def _redact(path: Path, value: Any, secret: bool, binary: bool = False) -> tuple[Any, bool]:
    """Secret values at or below ``path`` replaced by REDACTED (whether any were); a ConfigMap's
    binaryData (``binary``) shown by its size and digest, never its bytes."""
    if binary and value is not None:
        value = _binary_data(path, value)
    if not secret or value is None:
        return value, False
    if any(covers(pattern, path) for pattern in _SECRET_FIELDS):
        return REDACTED, True
    result = value
    for pattern in _SECRET_FIELDS:
        if len(path) < len(pattern) and all(segment_matches(p, s) for p, s in zip(pattern, path)):
            result = _redact_below(result, pattern[len(path) :])
    return result, result != value


def _binary_data(path: Path, value: Any) -> Any:
    """A ConfigMap's binaryData values at or below ``path`` as ``<binary data, N bytes, sha256 …>``."""
    if path[:1] != ("binaryData",) and path:
        return value
    if not path:
        if isinstance(value, dict) and isinstance(value.get("binaryData"), dict):
            return {**value, "binaryData": {k: _binary_text(v) for k, v in value["binaryData"].items()}}
        return value
    if len(path) == 1:
        return {k: _binary_text(v) for k, v in value.items()} if isinstance(value, dict) else value
    return _binary_text(value)


def _binary_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return f"<binary data, not base64, {len(value)} characters>"
    return f"<binary data, {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:12]}>"


def _redact_below(value: Any, rest: Iterable[str]) -> Any:
    head, *tail = rest
    if not isinstance(value, dict):
        return value
    return {
        key: (_redact_below(item, tail) if tail else REDACTED) if segment_matches(head, key) else item
        for key, item in value.items()
    }
