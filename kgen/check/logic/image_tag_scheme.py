"""image-tag-scheme: an image tag that does not fit the scheme configured for its namespace or labels.

The first configured scheme whose namespaces (if it lists any) include the
workload's namespace and whose selector (if it has one) matches its pods'
labels applies; its pattern must match the whole tag. An image pinned by
digest with no tag passes: the scheme names tags, and a digest is a stronger
pin than any tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.index import selector_matches
from kgen.model.k8s import get_path, parse_image
from kgen.model.patterns import Search, compile_search


def _fullmatch(pattern: str) -> Search:
    """Whether the whole tag matches: RE2, linear in the tag (checked to compile when the config
    was loaded: format: regex); ``$`` is the end of the text, as Python's fullmatch means."""
    return compile_search(f"^(?:{pattern})$")


def _pod_labels(target: Target) -> Mapping[str, Any]:
    shape = target.entry.workload
    path = shape.labels_path if shape is not None else None
    labels = get_path(target.obj, path if path is not None else ("metadata", "labels"))
    return labels if isinstance(labels, Mapping) else {}


def _scheme(target: Target, schemes: list[Mapping[str, Any]]) -> tuple[int, Mapping[str, Any]] | None:
    namespace = target.entry.namespace
    labels: Mapping[str, Any] | None = None
    for index, scheme in enumerate(schemes):
        if "namespaces" in scheme and namespace not in scheme["namespaces"]:
            continue
        if "selector" in scheme:
            labels = _pod_labels(target) if labels is None else labels
            if not selector_matches(scheme["selector"], labels, empty_matches_all=True):
                continue
        return index, scheme
    return None


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    image = target.data.get("image")
    if not isinstance(image, str) or not image.strip():
        return
    schemes: list[Mapping[str, Any]] = params["schemes"]
    if not schemes:
        yield Violation(
            f'container "{target.container_name}" image {image}: no tag scheme is configured yet: set '
            ".kgen.yaml rules.image-tag-scheme.params.schemes",
            ("image",),
        )
        return
    found = _scheme(target, schemes)
    if found is None:
        return
    index, scheme = found
    ref = parse_image(image)
    if ref.tag is None and ref.digest is not None:
        return
    pattern = scheme["pattern"]
    if ref.tag is not None and _fullmatch(pattern)(ref.tag):
        return
    what = "has no tag (so it means :latest)" if ref.tag is None else f"has the tag {ref.tag}"
    name = scheme.get("name") or f"schemes[{index}]"
    yield Violation(
        f'container "{target.container_name}" image {image} {what}, which does not fit the tag scheme '
        f"{name} for {_scope(target, scheme)} (pattern {pattern})",
        ("image",),
    )


def _scope(target: Target, scheme: Mapping[str, Any]) -> str:
    parts = []
    if "namespaces" in scheme:
        parts.append(f"namespace {target.entry.namespace}")
    if "selector" in scheme:
        parts.append("pods its selector matches")
    return " and ".join(parts) or "every workload"
