"""The JSON format: the result as structured data, Secret values redacted.

::

    {"objects": [{"key": {"group", "kind", "namespace", "name"},
                  "apiVersion": {"old", "new"}, "change": "added|removed|changed",
                  "source": {"old", "new"},
                  "changes": [{"path", "op", "old", "new", "redacted"}],
                  "risks": [{"code", "path", "reason"}],
                  # only when they apply:
                  "rename": {"old", "new"},            # a hash-suffixed ConfigMap/Secret paired by base name
                  "rolls": [{"group", "kind", "namespace", "name"}],  # workloads now pointing at the new name
                  "moreChanges": N,                    # field changes past the limit per object, not listed
                  "rollout": {"workload", "action", "replicas", "hpaManaged", "strategy", "capacity",
                              "reason", "because", "explains"}}],
     "summary": {"changed", "added", "removed", "unchanged", "risks", "ignoredDocuments"}}
"""

from __future__ import annotations

import json
from typing import Any

from kgen.diff.paths import format_path
from kgen.diff.result import ADDED, CHANGED, REMOVED, DiffResult, FieldChange, ObjectDiff, Risk, Rollout
from kgen.errors import Location


def format_json(result: DiffResult) -> str:
    """The whole result as JSON (two-space indent, fixed key order, newline at the end)."""
    document = {
        "objects": [_object(obj) for obj in result.objects],
        "summary": {
            "changed": result.count(CHANGED),
            "added": result.count(ADDED),
            "removed": result.count(REMOVED),
            "unchanged": result.unchanged,
            "risks": result.risk_count,
            "ignoredDocuments": {"old": result.ignored_old, "new": result.ignored_new},
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def _object(obj: ObjectDiff) -> dict[str, Any]:
    found: dict[str, Any] = {
        "key": obj.key.as_dict(),
        "apiVersion": {"old": obj.old_api_version, "new": obj.new_api_version},
        "change": obj.change,
        "source": {"old": _location(obj.old_source), "new": _location(obj.new_source)},
        "changes": [_change(change) for change in obj.changes],
        "risks": [_risk(risk) for risk in obj.risks],
    }
    if obj.renamed_from is not None:
        found["rename"] = {"old": obj.renamed_from, "new": obj.key.name}
    if obj.rolls:
        found["rolls"] = [key.as_dict() for key in obj.rolls]
    if obj.more_changes:
        found["moreChanges"] = obj.more_changes
    if obj.rollout is not None:
        found["rollout"] = _rollout(obj.rollout)
    return found


def _rollout(rollout: Rollout) -> dict[str, Any]:
    """Every field change stays in ``changes``; ``explains`` lists those the rollout accounts for."""
    return {
        "workload": rollout.workload,
        "action": rollout.action,
        "replicas": rollout.replicas,
        "hpaManaged": rollout.hpa,
        "strategy": rollout.strategy or None,
        "capacity": rollout.capacity,
        "reason": rollout.text,
        "because": list(rollout.because),
        "explains": [format_path(path) for path in rollout.explains],
    }


def _change(change: FieldChange) -> dict[str, Any]:
    return {
        "path": change.path_text,
        "op": change.op,
        "old": change.old,
        "new": change.new,
        "redacted": change.redacted,
    }


def _risk(risk: Risk) -> dict[str, Any]:
    return {"code": risk.code, "path": risk.path_text, "reason": risk.reason}


def _location(location: Location | None) -> str | None:
    return str(location) if location is not None else None
