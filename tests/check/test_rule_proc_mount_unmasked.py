"""proc-mount-unmasked: baseline relaxes it for hostUsers: false from 1.35, restricted does not."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "proc-mount-unmasked"
TEXT = """
apiVersion: v1
kind: Pod
metadata:
  name: build
spec:
  hostUsers: false
  containers:
    - name: build
      image: quay.io/buildah/stable:v1.37
      securityContext:
        procMount: Unmasked
"""


def test_user_namespace_pods_by_level(tmp_path: Path) -> None:
    restricted = [
        (*loc(TEXT, "procMount"), "warning",
         'container "build" sets procMount Unmasked: the kernel\'s /proc masks are off in it; Pod Security '
         "restricted refuses it even with hostUsers: false"),
    ]
    assert [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, TEXT), RULE)] == restricted
    (tmp_path / "baseline.yaml").write_text("podSecurity: baseline\n")
    assert of(check(tmp_path, TEXT, config_path=tmp_path / "baseline.yaml"), RULE) == []
    # before 1.35 there is no restricted control and baseline has no exemption
    old = check(tmp_path, TEXT, config_path=tmp_path / "baseline.yaml", kubernetes_version="1.34")
    assert [(f.line, f.message) for f in of(old, RULE)] == [
        (loc(TEXT, "procMount")[0], 'container "build" sets procMount Unmasked: the kernel\'s /proc masks are off in it'),
    ]
