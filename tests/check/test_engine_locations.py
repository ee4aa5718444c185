"""Where findings point: a missing field at its nearest parent."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of


def test_missing_fields_point_at_the_nearest_parent(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - image: nginx:1.27
          name: web
        - name: sidecar
          image: nginx:1.27
          resources:
            limits: {memory: 64Mi}
        - name: agent
          image: nginx:1.27
          resources:
            requests: {memory: 64Mi}
    """
    result = check(tmp_path, text)
    assert loc(text, "name: web", 2) == (8, 7)  # spelled out once: the container's name: key
    assert [(f.container, f.line, f.column, f.path) for f in of(result, "cpu-requests-missing")] == [
        # no resources: the container, at its name: key (wherever it is in the item)
        ("web", *loc(text, "name: web", 2), "spec.containers[0].resources"),
        # resources without requests: the resources key
        ("sidecar", *loc(text, "resources:", 1), "spec.containers[1].resources.requests"),
        # requests without cpu: the requests key
        ("agent", *loc(text, "requests:"), "spec.containers[2].resources.requests.cpu"),
    ]
    assert of(result, "cpu-requests-missing")[0].message == 'container "web" has no CPU request (resources.requests.cpu)'
