"""pod-security-rejected: a workload its namespace's Pod Security labels refuse (enforce) or flag (warn, audit).

The labels are read as admission reads them (pod-security-admission
api.PolicyToEvaluate): an enforce level that is not a level is restricted, a
warn or audit level that is not one is privileged; a version that is not
``latest`` or ``v1.<minor>`` is latest; latest, and any version newer than the
target, is the target Kubernetes version. The level's controls come from
kgen.check.pss, as of that version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.pss import BASELINE, PRIVILEGED, RESTRICTED, Control, Problem, Version, evaluate, parse_version
from kgen.check.logic._pss import pod_metadata
from kgen.model.k8s import get_path
from kgen.model.numbers import digits_value

PREFIX = "pod-security.kubernetes.io/"
_VERSION = re.compile(r"^v1\.(0|[1-9][0-9]*)$")
_MODES = ("enforce", "warn", "audit")


def _level(labels: Mapping[str, Any], mode: str) -> tuple[str, str] | None:
    """(level, note) for a mode's label; None when the label is absent."""
    value = labels.get(PREFIX + mode)
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if text in (PRIVILEGED, BASELINE, RESTRICTED):
        return text, ""
    if mode == "enforce":
        return RESTRICTED, f" ({PREFIX}enforce {text!r} is not a level, so admission enforces restricted)"
    return PRIVILEGED, ""  # admission fails open for warn and audit


def _version(labels: Mapping[str, Any], mode: str, target: Version) -> tuple[Version, str]:
    value = labels.get(f"{PREFIX}{mode}-version")
    text = value if isinstance(value, str) else "latest" if value is None else str(value)
    match = _VERSION.match(text)
    if match is None:
        note = "" if text == "latest" else f" ({mode}-version {text!r} is not latest or v1.<minor>, so it is latest)"
        return target, note
    minor = digits_value(match[1], 9)
    wanted = (1, minor) if minor is not None else target
    return min(wanted, target), ""


def _named(found: list[tuple[Control, list[Problem]]]) -> str:
    names: dict[str, list[str]] = {}
    for control, problems in found:
        rules = names.setdefault(control.name, [])
        for problem in problems:
            rule = problem.rule or control.rule
            if rule and rule not in rules:
                rules.append(rule)
    return ", ".join(f"{name} ({', '.join(rules)})" if rules else name for name, rules in names.items())


def _refused(kind: str) -> str:
    if kind == "Pod":
        return "admission refuses this Pod"
    if kind == "Deployment":
        return "admission refuses the pods of its ReplicaSet, so the rollout never progresses"
    if kind == "CronJob":
        return "admission refuses the pods of every Job it starts"
    return f"admission refuses the pods the {kind} creates, so none of them runs"


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    namespace = ctx.index.namespace(entry.namespace)
    if namespace is None:
        return
    labels = get_path(namespace.data, ("metadata", "labels"))
    spec = get_path(entry.data, entry.pod_spec_path) if entry.pod_spec_path else None
    if not isinstance(labels, Mapping) or not isinstance(spec, Mapping):
        return
    metadata = pod_metadata(target)
    target_version = parse_version(ctx.kubernetes_version)
    where = ("metadata", "namespace") if get_path(entry.data, ("metadata", "namespace")) is not None else ()
    reported: set[str] = set()
    for mode in _MODES:
        level = _level(labels, mode)
        if level is None or level[0] == PRIVILEGED:
            continue
        version, version_note = _version(labels, mode, target_version)
        found = [(c, p) for c, p in evaluate(level[0], version, spec, metadata) if c.name not in reported]
        if not found:
            continue
        if mode == "enforce":
            reported.update(c.name for c, _ in found)  # warn and audit name what they add to it
        policy = f'"{level[0]}:v{version[0]}.{version[1]}"'
        violated = _named(found)
        if mode == "enforce":
            message = (
                f'namespace "{entry.namespace}" enforces Pod Security {policy}{level[1]}{version_note}; '
                f"{_refused(entry.kind)}: it violates {violated}"
            )
            yield Violation(message, where)
        elif mode == "warn":
            message = (
                f'namespace "{entry.namespace}" warns at Pod Security {policy}{version_note}; kubectl shows a '
                f"warning when this {entry.kind} is applied: it violates {violated}"
            )
            yield Violation(message, where, "warning")
        else:
            message = (
                f'namespace "{entry.namespace}" audits at Pod Security {policy}{version_note}; the API server\'s '
                f"audit log records this {entry.kind} and its pods: they violate {violated}"
            )
            yield Violation(message, where, "warning")
