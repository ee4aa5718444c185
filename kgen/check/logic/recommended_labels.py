"""recommended-labels: the agreed app.kubernetes.io labels on a workload and on its pod template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import format_field_path, get_path

_OWN_LABELS: FieldPath = ("metadata", "labels")


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    shape = target.entry.workload
    places = [_OWN_LABELS]
    if shape is not None and shape.labels_path is not None:
        places.append(shape.labels_path)
    for path in places:
        labels = get_path(target.obj, path)
        present = labels if isinstance(labels, Mapping) else {}
        missing = [key for key in params["labels"] if key not in present]
        if missing:
            where = "" if path == _OWN_LABELS else " of its pod template"
            yield Violation(
                f"{target.kind} {format_field_path(path)}{where} lacks {', '.join(missing)}", path
            )
