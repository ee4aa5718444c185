"""requests-exceed-limits: quantities compared exactly (500m < 1, 1Gi > 1000Mi)."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of


def test_quantities_are_compared_exactly(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {cpu: "1", memory: 1000Mi}
        - name: worker
          image: nginx:1.27
          resources:
            requests: {cpu: 1500m, memory: 1000Mi}
            limits: {cpu: 1, memory: 1Gi}
    """
    result = check(tmp_path, text)
    assert [(f.container, f.line, f.column, f.message) for f in of(result, "requests-exceed-limits")] == [
        (
            "web",
            *loc(text, "memory: 1Gi"),
            'container "web" requests memory 1Gi but its limit is 1000Mi; the pod cannot be admitted',
        ),
        (
            "worker",
            *loc(text, "cpu: 1500m"),
            'container "worker" requests cpu 1500m but its limit is 1; the pod cannot be admitted',
        ),
    ]
