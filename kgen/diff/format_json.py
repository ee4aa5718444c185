"""The JSON format: the result as structured data, Secret values redacted.

::

    {"objects": [{"key": {"group", "kind", "namespace", "name"},
                  "apiVersion": {"old", "new"}, "change": "added|removed|changed",
                  "source": {"old", "new"},
                  "changes": [{"path", "op", "old", "new", "redacted"}],
                  "risks": [{"code", "path", "reason"}]}],
     "summary": {"changed", "added", "removed", "unchanged", "risks", "ignoredDocuments"}}
"""

from __future__ import annotations

import json
from typing import Any

from kgen.diff.result import ADDED, CHANGED, REMOVED, DiffResult, FieldChange, ObjectDiff, Risk
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
    return {
        "key": obj.key.as_dict(),
        "apiVersion": {"old": obj.old_api_version, "new": obj.new_api_version},
        "change": obj.change,
        "source": {"old": _location(obj.old_source), "new": _location(obj.new_source)},
        "changes": [_change(change) for change in obj.changes],
        "risks": [_risk(risk) for risk in obj.risks],
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
