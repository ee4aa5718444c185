"""image-pull-policy: the pull policy as the API server defaults it, only for tags that move."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.check.logic.image_pull_policy import default_pull_policy
from kgen.model.k8s import parse_image
from tests.check.support import check, loc

RULE = "image-pull-policy"


def pod(image: str, policy: str = "") -> str:
    line = f"\n      imagePullPolicy: {policy}" if policy else ""
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: {image}{line}
"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in check(tmp_path, text, **options).findings if f.rule == RULE]


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("registry:5000/app", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("nginx:stable", "IfNotPresent"),
        ("nginx@sha256:abc", "IfNotPresent"),
        ("nginx:latest@sha256:abc", "Always"),
    ],
)
def test_the_api_servers_default(image: str, policy: str) -> None:
    assert default_pull_policy(parse_image(image)) == policy


def test_an_explicit_if_not_present_on_latest_is_reported_at_the_policy(tmp_path: Path) -> None:
    text = pod("nginx:latest", "IfNotPresent")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "imagePullPolicy"), "warning",
         'container "app" image nginx:latest has the moving tag :latest and imagePullPolicy IfNotPresent: a node '
         "that already holds the image never pulls it again, so nodes run different images under one manifest"),
    ]


def test_never_on_an_untagged_image(tmp_path: Path) -> None:
    text = pod("registry.example.com:5000/shop/web", "Never")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "imagePullPolicy"), "warning",
         'container "app" image registry.example.com:5000/shop/web has no tag (latest) and imagePullPolicy Never: '
         "each node runs whatever image it already holds under that name, so nodes run different images under "
         "one manifest"),
    ]


@pytest.mark.parametrize(
    ("image", "policy"),
    [("nginx:latest", ""), ("nginx", ""), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
     ("nginx:1.27", ""), ("nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", "Never"),
     ("nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", "IfNotPresent")],
)
def test_quiet_when_the_image_cannot_differ(tmp_path: Path, image: str, policy: str) -> None:
    assert findings(tmp_path, pod(image, policy)) == []


def test_a_configured_moving_tag_defaults_to_if_not_present_and_is_reported_at_the_image(tmp_path: Path) -> None:
    config = tmp_path / ".kgen.yaml"
    config.write_text(f"rules:\n  {RULE}:\n    params: {{mutableTags: [latest, stable]}}\n")
    text = pod("nginx:stable")
    assert findings(tmp_path, text, config_path=config) == [
        (RULE, *loc(text, "image:"), "warning",
         'container "app" image nginx:stable has the moving tag :stable and imagePullPolicy unset, which defaults '
         "to IfNotPresent for this tag: a node that already holds the image never pulls it again, so nodes run "
         "different images under one manifest"),
    ]
    assert findings(tmp_path, pod("nginx:stable", "Always"), config_path=config) == []
