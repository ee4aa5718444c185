"""schema-invalid for quantities: the published schema says "a string or a number", but the API server
decodes every quantity field with resource.ParseQuantity and refuses the whole object when that fails
("quantities must match the regular expression ...", or the suffix error for an unknown unit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

SHAPE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

POD = """
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
  - name: app
    image: nginx:1.25
    resources:
      requests: {{cpu: {cpu}, memory: 64Mi}}
      limits: {{memory: {memory}}}
  volumes:
  - name: scratch
    emptyDir: {{sizeLimit: {size}}}
"""


def schema(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == "schema-invalid"]


@pytest.mark.parametrize(
    "value", ["1", "0.5", "500m", "1.5Gi", "'+1'", "'1e3'", "1E", "'.5'", "' 1Gi '", "128974848", "1e-3", "12e6", "'9" + "9" * 5000 + "'"]
)
def test_what_parse_quantity_takes_is_valid(tmp_path: Path, value: str) -> None:
    assert schema(tmp_path, POD.format(cpu=value, memory="128Mi", size="1Gi")) == []


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("abc", SHAPE),
        ("''", SHAPE),
        ("1 Gi", SHAPE),
        ("'1,5'", SHAPE),
        ("1K", "unable to parse quantity's suffix"),
        ("1Mb", SHAPE),
        ("1mi", "unable to parse quantity's suffix"),
    ],
)
def test_what_the_api_server_refuses_is_found_at_its_field(tmp_path: Path, value: str, why: str) -> None:
    text = POD.format(cpu="100m", memory=value, size="1Gi")
    line, column = loc(text, "memory: " + value)
    shown = value.strip("'")
    assert schema(tmp_path, text) == [
        (
            line,
            column,
            "error",
            f'spec.containers[0].resources.limits.memory: "{shown}" is not a quantity: {why}',
        )
    ]


def test_every_quantity_field_is_decoded(tmp_path: Path) -> None:
    text = POD.format(cpu="1x", memory="128Mi", size="lots") + """---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10 GB}}
"""
    messages = [message.split(":")[0] for *_, message in schema(tmp_path, text)]
    assert messages == [
        "spec.containers[0].resources.requests.cpu",
        "spec.volumes[0].emptyDir.sizeLimit",
        "spec.resources.requests.storage",
    ]
