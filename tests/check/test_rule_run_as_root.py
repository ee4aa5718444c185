"""run-as-root: the pod's securityContext is inherited and overridden per container."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of


def test_pod_security_context_is_inherited_and_overridden(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: inherits
          image: nginx:1.27
        - name: overrides
          image: nginx:1.27
          securityContext:
            runAsNonRoot: false
        - name: root
          image: nginx:1.27
          securityContext:
            runAsUser: 0
    """
    result = check(tmp_path, text)
    assert [(f.container, f.line, f.column, f.message) for f in of(result, "run-as-root")] == [
        (
            "overrides",
            *loc(text, "runAsNonRoot: false"),
            'container "overrides" may run as root: neither runAsNonRoot: true nor a non-zero runAsUser '
            "is set on the container or its pod",
        ),
        ("root", *loc(text, "runAsUser: 0"), 'container "root" runs as root (runAsUser: 0)'),
    ]
