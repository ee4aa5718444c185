"""image-user-mismatch, image-port-mismatch, image-shell-missing: a container held against the
Dockerfile that .kgen.yaml images: maps its image to; and the images: setting itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kgen.check.engine import CheckOptions, run_check
from kgen.check.logic import _image_build
from kgen.errors import ConfigError
from kgen.load import dockerfile
from kgen.check.config import load_config

RULES = ("image-user-mismatch", "image-port-mismatch", "image-shell-missing")


def run(tmp_path: Path, dockerfile: str, container: str, pod: str = "", image: str = "ghcr.io/acme/shop-api:1.4.2") -> list[tuple[str, int, int, str, str]]:
    (tmp_path / "Dockerfile").write_text(dockerfile)
    (tmp_path / ".kgen.yaml").write_text("images:\n  ghcr.io/acme/shop-api: Dockerfile\n")
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\nspec:\n"
        f"  securityContext: {{{pod}}}\n  containers:\n    - name: api\n      image: {image}\n{container}"
    )
    options = CheckOptions(paths=(str(manifest),), discover_config=False, config_path=tmp_path / ".kgen.yaml")
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in run_check(options).findings if f.rule in RULES]


def test_run_as_non_root_over_a_named_user(tmp_path: Path) -> None:
    found = run(tmp_path, "FROM debian:12.6\nUSER app\n", "", pod="runAsNonRoot: true")
    assert found == [
        (
            "image-user-mismatch", 9, 7, "error",
            f'container "api" has runAsNonRoot: true and no runAsUser, but {tmp_path}/Dockerfile:2:1 sets USER app: '
            "the kubelet refuses to start it (container has runAsNonRoot and image has non-numeric user (app), "
            "cannot verify user is non-root)",
        )
    ]


def test_run_as_non_root_over_no_user_on_the_container_itself(tmp_path: Path) -> None:
    found = run(tmp_path, "FROM golang:1.22.5\nWORKDIR /root\nCMD [\"./app\"]\n", "      securityContext:\n        runAsNonRoot: true\n")
    assert found == [
        (
            "image-user-mismatch", 11, 9, "error",
            f'container "api" has runAsNonRoot: true and no runAsUser, but {tmp_path}/Dockerfile sets no USER '
            "(the image runs as root): the kubelet refuses to start it (container has runAsNonRoot and image will run as root)",
        )
    ]


def test_container_run_as_user_over_the_pods_run_as_non_root_starts(tmp_path: Path) -> None:
    container = "      securityContext:\n        runAsUser: 10001\n"
    assert run(tmp_path, "FROM debian:12.6\nUSER app\n", container, pod="runAsNonRoot: true") == []


def test_a_container_that_turns_run_as_non_root_off_is_not_refused(tmp_path: Path) -> None:
    container = "      securityContext:\n        runAsNonRoot: false\n"
    assert run(tmp_path, "FROM debian:12.6\n", container, pod="runAsNonRoot: true") == []


def test_differing_numeric_users(tmp_path: Path) -> None:
    found = run(tmp_path, "FROM debian:12.6\nUSER 10001\n", "", pod="runAsUser: 65532")
    assert found == [
        (
            "image-user-mismatch", 9, 7, "warning",
            f'container "api" runs as runAsUser 65532, but {tmp_path}/Dockerfile:2:1 sets USER 10001: files the image '
            "prepared for user 10001 may be unreadable or unwritable for 65532",
        )
    ]
    assert run(tmp_path, "FROM debian:12.6\nUSER 10001:10001\n", "", pod="runAsUser: 10001") == []
    assert run(tmp_path, "FROM debian:12.6\nUSER 0\n", "", pod="runAsUser: 10001") == []  # dockerfile-root-user's


def test_image_matched_by_repository_any_tag_or_digest_and_docker_hub_spellings(tmp_path: Path) -> None:
    digest = "ghcr.io/acme/shop-api@sha256:" + "a" * 64
    assert len(run(tmp_path, "FROM debian:12.6\nUSER app\n", "", pod="runAsNonRoot: true", image=digest)) == 1
    assert run(tmp_path, "FROM debian:12.6\nUSER app\n", "", pod="runAsNonRoot: true", image="ghcr.io/acme/shop-web:1") == []
    (tmp_path / ".kgen.yaml").write_text("images:\n  nginx: Dockerfile\n")
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\nspec:\n  securityContext: {runAsNonRoot: true}\n"
        "  containers:\n    - name: web\n      image: docker.io/library/nginx:1.27\n"
    )
    result = run_check(CheckOptions(paths=(str(manifest),), discover_config=False, config_path=tmp_path / ".kgen.yaml"))
    assert [(f.rule, f.line) for f in result.findings if f.rule == "image-user-mismatch"] == [("image-user-mismatch", 9)]


def test_port_not_exposed_and_low_port_for_the_images_user(tmp_path: Path) -> None:
    ports = "      ports:\n        - containerPort: 8080\n        - containerPort: 443\n"
    found = run(tmp_path, "FROM debian:12.6\nUSER 101\nEXPOSE 443\n", ports)
    assert found == [
        (
            "image-port-mismatch", 11, 11, "warning",
            f'container "api" declares containerPort 8080/tcp, but {tmp_path}/Dockerfile EXPOSEs 443/tcp: the app may '
            "listen on another port than probes and Services reach",
        ),
        (
            "image-port-mismatch", 12, 11, "warning",
            f'container "api" sets no user, so it runs as the image\'s USER 101 at {tmp_path}/Dockerfile:2:1, without '
            "NET_BIND_SERVICE, and declares containerPort 443, below 1024: the bind works only where "
            "net.ipv4.ip_unprivileged_port_start is lowered for the pod (containerd 2.0 and later do it by default, "
            "containerd 1.x and CRI-O do not)",
        ),
    ]


def test_low_port_judged_by_privileged_port_when_the_manifest_sets_the_user(tmp_path: Path) -> None:
    ports = "      ports:\n        - containerPort: 443\n"
    assert run(tmp_path, "FROM debian:12.6\nUSER 101\nEXPOSE 443\n", ports, pod="runAsUser: 101") == []
    bind = "      securityContext:\n        capabilities: {add: [NET_BIND_SERVICE]}\n" + ports
    assert run(tmp_path, "FROM debian:12.6\nUSER 101\nEXPOSE 443\n", bind) == []
    assert run(tmp_path, "FROM debian:12.6\nEXPOSE 443\n", ports) == []  # root binds anything


def test_shell_through_an_earlier_stage(tmp_path: Path) -> None:
    dockerfile = "FROM gcr.io/distroless/base-debian12 AS runtime\nFROM runtime\nCOPY app /app\n"
    probe = "      readinessProbe:\n        exec:\n          command: [/bin/sh, -c, 'curl -f localhost']\n"
    assert run(tmp_path, dockerfile, probe) == [
        (
            "image-shell-missing", 12, 21, "error",
            f'container "api" runs its readinessProbe as /bin/sh, which needs a shell, but {tmp_path}/Dockerfile builds '
            "the image FROM gcr.io/distroless/base-debian12, which has none: every probe fails and the pod never becomes ready",
        )
    ]
    assert run(tmp_path, "FROM alpine:3.20\nCOPY app /app\n", probe) == []


def test_an_unparsable_dockerfile_is_not_judged(tmp_path: Path) -> None:
    assert run(tmp_path, "FROM debian:12.6\nUSER app\x00\n", "", pod="runAsNonRoot: true") == []  # binary


def test_missing_dockerfile_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / ".kgen.yaml"
    config.write_text("images:\n  ghcr.io/acme/shop-api: services/api/Dockerfile\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert str(caught.value) == (
        f"{config}:2:3: images.ghcr.io/acme/shop-api: services/api/Dockerfile: no such file (the path is relative to {config})"
    )
    (tmp_path / "services").mkdir()
    config.write_text("images:\n  ghcr.io/acme/shop-api: services\n")
    with pytest.raises(ConfigError, match="services: is a directory, not a Dockerfile"):
        load_config(config)
    config.write_text("images:\n  ghcr.io/acme/shop-api@sha256:abc: Dockerfile\n")
    with pytest.raises(ConfigError):
        load_config(config)


def test_paths_are_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "Dockerfile").write_text("FROM scratch\n")
    config = tmp_path / ".kgen.yaml"
    config.write_text("images:\n  ghcr.io/acme/shop-api: services/Dockerfile\n")
    assert load_config(config).images == {"ghcr.io/acme/shop-api": str(tmp_path / "services" / "Dockerfile")}


def test_dockerfile_read_once_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _image_build._read.cache_clear()
    reads: list[str] = []
    parse = dockerfile.parse
    monkeypatch.setattr(dockerfile, "parse", lambda text, source: reads.append(source) or parse(text, source))
    containers = "".join(f"    - name: c{i}\n      image: ghcr.io/acme/shop-api:1\n" for i in range(5))
    (tmp_path / "Dockerfile").write_text("FROM debian:12.6\nUSER app\n")
    (tmp_path / ".kgen.yaml").write_text("images:\n  ghcr.io/acme/shop-api: Dockerfile\n")
    manifest = tmp_path / "pod.yaml"
    manifest.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n" + containers)
    options = CheckOptions(paths=(str(manifest),), discover_config=False, config_path=tmp_path / ".kgen.yaml")
    assert len([f for f in run_check(options).findings if f.rule == "image-user-mismatch"]) == 5
    assert reads == [str(tmp_path / "Dockerfile")]
    (tmp_path / "Dockerfile").write_text("FROM debian:12.6\nUSER 10001\n")
    stat = os.stat(tmp_path / "Dockerfile")
    os.utime(tmp_path / "Dockerfile", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert [f for f in run_check(options).findings if f.rule == "image-user-mismatch"] == []
    assert len(reads) == 2
