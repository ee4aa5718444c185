"""seccomp-profile: Unconfined anywhere (baseline); RuntimeDefault or Localhost on the pod or every container (restricted)."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "seccomp-profile"


def found(tmp_path: Path, text: str, **options: object) -> list[tuple[int, int, str | None, str]]:
    return [(f.line, f.column, f.container, f.message) for f in of(check(tmp_path, text, **options), RULE)]


MIXED = """
apiVersion: v1
kind: Pod
metadata:
  name: mixed
spec:
  securityContext:
    seccompProfile: {type: Localhost, localhostProfile: profiles/app.json}
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
      securityContext:
        seccompProfile: {type: Unconfined}
"""


def test_localhost_on_the_pod_with_one_container_unconfined(tmp_path: Path) -> None:
    expected = [
        (*loc(MIXED, "type: Unconfined"), "debug",
         'ephemeral container "debug" sets seccompProfile type Unconfined: it may make any system call'),
    ]
    assert found(tmp_path, MIXED) == expected
    (tmp_path / "baseline.yaml").write_text("podSecurity: baseline\n")
    assert found(tmp_path, MIXED, config_path=tmp_path / "baseline.yaml") == expected


def test_missing_is_restricted_only(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
    """
    assert found(tmp_path, text) == [
        (*loc(text, "spec:"), None,
         "neither the pod nor its containers set seccompProfile type RuntimeDefault or Localhost"),
    ]
    (tmp_path / "baseline.yaml").write_text("podSecurity: baseline\n")
    assert found(tmp_path, text, config_path=tmp_path / "baseline.yaml") == []


def test_the_annotations_are_not_read_for_any_version_kgen_targets(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
      annotations:
        seccomp.security.alpha.kubernetes.io/pod: unconfined
    spec:
      securityContext:
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: web
          image: nginx:1.27
    """
    assert found(tmp_path, text, kubernetes_version="1.25") == []
