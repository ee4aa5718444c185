"""Workload selectors: what apps/validation and batch/validation require of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.index import selector_matches
from kgen.check.validation import refused, validates
from kgen.load.yamlload import FieldPath
from kgen.model.k8s import format_field_path, get_path


@validates("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")
def selector_matches_template(target: Target, ctx: Context) -> Iterator[Violation]:
    """The selector is required, not empty, and must select the template's own labels."""
    shape = target.entry.workload
    if shape is None or shape.selector_path is None or shape.labels_path is None:
        return
    selector = get_path(target.obj, shape.selector_path)
    labels = get_path(target.obj, shape.labels_path)
    yield from _check(selector, labels if isinstance(labels, Mapping) else {}, shape.selector_path, shape.labels_path)


@validates("Job")
def job_manual_selector(target: Target, ctx: Context) -> Iterator[Violation]:
    """With manualSelector: true the Job's selector is the user's and must select its template."""
    if get_path(target.obj, ("spec", "manualSelector")) is not True:
        return
    selector = get_path(target.obj, ("spec", "selector"))
    labels = get_path(target.obj, ("spec", "template", "metadata", "labels"))
    labels_at: FieldPath = ("spec", "template", "metadata", "labels")
    yield from _check(selector, labels if isinstance(labels, Mapping) else {}, ("spec", "selector"), labels_at)


def _check(selector: Any, labels: Mapping[str, Any], at: FieldPath, labels_at: FieldPath) -> Iterator[Violation]:
    if not isinstance(selector, Mapping):
        return  # required by the schema: schema-invalid reports a missing one
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        yield refused(at, "empty selector is invalid for this workload (it would select every pod in the namespace)")
        return
    if not selector_matches(selector, labels, empty_matches_all=False):
        shown = format_field_path(labels_at)
        yield refused(at, f"selector does not match template labels ({shown})")
