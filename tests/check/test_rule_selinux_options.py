"""selinux-options: allowed types by version, user and role forbidden."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "selinux-options"
TEXT = """
apiVersion: v1
kind: Pod
metadata:
  name: engine
spec:
  containers:
    - name: engine
      image: quay.io/podman/stable:v5.2
      securityContext:
        seLinuxOptions: {type: container_engine_t, role: ""}
"""


def test_container_engine_t_is_allowed_from_1_31(tmp_path: Path) -> None:
    assert of(check(tmp_path, TEXT, kubernetes_version="1.31"), RULE) == []
    result = check(tmp_path, TEXT, kubernetes_version="1.30")
    assert [(f.line, f.column, f.severity, f.message) for f in of(result, RULE)] == [
        (*loc(TEXT, "type: container_engine_t"), "warning",
         'container "engine" sets seLinuxOptions type container_engine_t; Pod Security baseline allows only '
         "container_t, container_init_t, container_kvm_t (Kubernetes 1.30)"),
    ]
