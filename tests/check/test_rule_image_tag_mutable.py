"""image-tag-mutable: no tag or a moving tag; registry ports and digests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc, of


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("nginx", "has no tag, so it means :latest"),
        ("nginx:latest", "uses the moving tag :latest"),
        ("registry.internal:5000/shop/app", "has no tag, so it means :latest"),
        ("localhost:5000/app", "has no tag, so it means :latest"),
        ("registry.internal:5000/shop/app:1.2", None),
        ("nginx@sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d", None),
        ("nginx:latest@sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d", None),
        ("registry.internal:5000/app@sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d", None),
    ],
)
def test_image_tags_registry_ports_and_digests(tmp_path: Path, image: str, reason: str | None) -> None:
    text = f"""
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: {image}
    """
    findings = of(check(tmp_path, text), "image-tag-mutable")
    if reason is None:
        assert findings == []
        return
    (finding,) = findings
    assert (finding.line, finding.column) == loc(text, "image:")
    assert finding.message.startswith(f'container "web" image {image} {reason};')
