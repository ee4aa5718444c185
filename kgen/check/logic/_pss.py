"""The glue between the Pod Security controls (kgen.check.pss) and the rules that report them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.pss import parse_version, rule_problems
from kgen.model.k8s import get_path, pod_template_metadata_path


def pod_metadata(target: Target) -> Mapping[str, Any]:
    """The metadata its pods get: the object's own for a Pod, the template's for a workload."""
    path = target.entry.pod_spec_path
    metadata = get_path(target.obj, pod_template_metadata_path(path)) if path else None
    return metadata if isinstance(metadata, Mapping) else {}


def violations(rule: str, target: Target, ctx: Context) -> Iterator[Violation]:
    """The rule's problems in the object's pod spec, at the target version and the configured level."""
    spec_path = target.entry.pod_spec_path
    spec = get_path(target.obj, spec_path) if spec_path else None
    if spec_path is None or not isinstance(spec, Mapping):
        return
    metadata_path = pod_template_metadata_path(spec_path)
    version = parse_version(ctx.kubernetes_version)
    for problem in rule_problems(rule, spec, pod_metadata(target), version, ctx.pod_security):
        base = metadata_path if problem.in_metadata else spec_path
        yield Violation(problem.message, (*base, *problem.path), problem.severity, problem.container)
