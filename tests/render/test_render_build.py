"""The profile's ``build: {dockerfile: path}``: render refuses what the kubelet would refuse to start."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.render.conftest import Kgen

PROFILE = "name: shop\ntype: web\nimage: ghcr.io/acme/shop:1.0.0\nbuild:\n  dockerfile: {dockerfile}\n"


def write(tmp_path: Path, dockerfile: str, extra: str = "", name: str = "Dockerfile") -> Path:
    (tmp_path / name).write_text(dockerfile)
    profile = tmp_path / "shop.yaml"
    profile.write_text(PROFILE.format(dockerfile=name) + extra)
    return profile


def security(stdout: str) -> dict[str, object]:
    deployment = next(doc for doc in yaml.safe_load_all(stdout) if doc and doc["kind"] == "Deployment")
    context: dict[str, object] = deployment["spec"]["template"]["spec"]["securityContext"]
    return context


IMAGE_USER = "security:\n  runAsUser: image\n"


def test_run_as_image_user_over_a_named_user_is_refused(tmp_path: Path, kgen: Kgen) -> None:
    profile = write(tmp_path, "FROM debian:12\nRUN useradd app\nUSER app\nEXPOSE 8080\n", IMAGE_USER)
    result = kgen("render", str(profile))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"kgen: {profile}:7:3: security.runAsUser: is image, but {tmp_path}/Dockerfile:3:1 sets USER app: "
        "the kubelet would refuse to start the pods (container has runAsNonRoot and image has non-numeric user "
        "(app), cannot verify user is non-root); set a numeric non-zero USER in the Dockerfile, or leave "
        "runAsUser out (the pods then run as 65532)\n"
    )


def test_run_as_image_user_without_user_is_refused_as_root(tmp_path: Path, kgen: Kgen) -> None:
    profile = write(tmp_path, "FROM golang:1.22\nWORKDIR /root\nCOPY . .\nRUN go build -o app\nCMD [\"./app\"]\n", IMAGE_USER)
    result = kgen("render", str(profile))
    assert result.code == 2
    assert result.stderr == (
        f"kgen: {profile}:7:3: security.runAsUser: is image, but {tmp_path}/Dockerfile sets no USER (the image "
        "runs as root): the kubelet would refuse to start the pods (container has runAsNonRoot and image will run "
        "as root); set a numeric non-zero USER in the Dockerfile, or leave runAsUser out (the pods then run as 65532)\n"
    )


def test_numeric_root_user_is_refused_and_root_by_name_is_a_name(tmp_path: Path, kgen: Kgen) -> None:
    profile = write(tmp_path, "FROM alpine:3.20\nUSER 0:0\n", IMAGE_USER + "port: 8080\n")
    assert "(container has runAsNonRoot and image will run as root)" in kgen("render", str(profile)).stderr
    profile = write(tmp_path, "FROM alpine:3.20\nUSER root\n", IMAGE_USER)
    assert "image has non-numeric user (root), cannot verify" in kgen("render", str(profile)).stderr


def test_user_of_an_earlier_stage_is_the_final_stages(tmp_path: Path, kgen: Kgen) -> None:
    """FROM a stage inherits its USER (and its ENV, used in USER)."""
    dockerfile = "FROM alpine:3.20 AS base\nENV APP_USER=app\nUSER ${APP_USER}\nFROM base\nCMD [\"/app\"]\n"
    result = kgen("render", str(write(tmp_path, dockerfile, IMAGE_USER)))
    assert result.code == 2
    assert f"but {tmp_path}/Dockerfile:3:1 sets USER ${{APP_USER}}: " in result.stderr
    assert "non-numeric user (app)" in result.stderr


def test_run_as_image_user_over_a_numeric_user_renders_it(tmp_path: Path, kgen: Kgen) -> None:
    result = kgen("render", str(write(tmp_path, "FROM alpine:3.20\nARG UID=10001\nUSER ${UID}\n", IMAGE_USER)))
    assert result.code == 0, result.stderr
    assert security(result.stdout)["runAsNonRoot"] is True
    assert "runAsUser" not in security(result.stdout)  # the kubelet reads the image's 10001


def test_distroless_nonroot_base_runs_as_65532(tmp_path: Path, kgen: Kgen) -> None:
    dockerfile = "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nCMD [\"/app\"]\n"
    result = kgen("render", str(write(tmp_path, dockerfile, IMAGE_USER)))
    assert result.code == 0, result.stderr


def test_unresolved_build_argument_user_is_not_judged(tmp_path: Path, kgen: Kgen) -> None:
    result = kgen("render", str(write(tmp_path, "FROM alpine:3.20\nARG UID\nUSER ${UID}\n", IMAGE_USER)))
    assert result.code == 0, result.stderr


def test_default_user_runs_any_image(tmp_path: Path, kgen: Kgen) -> None:
    """Without runAsUser, kgen's 65532 lets a root or named image start (the kubelet verifies the number)."""
    for dockerfile in ("FROM debian:12\n", "FROM debian:12\nUSER app\n"):
        result = kgen("render", str(write(tmp_path, dockerfile)))
        assert result.code == 0, result.stderr
        context = security(result.stdout)
        assert (context["runAsNonRoot"], context["runAsUser"], context["runAsGroup"]) == (True, 65532, 65532)


def test_numeric_user_becomes_the_default_run_as_user(tmp_path: Path, kgen: Kgen) -> None:
    result = kgen("render", str(write(tmp_path, "FROM node:20\nUSER 1000:1001\n")))
    assert result.code == 0, result.stderr
    assert (security(result.stdout)["runAsUser"], security(result.stdout)["runAsGroup"]) == (1000, 1001)
    result = kgen("render", str(write(tmp_path, "FROM node:20\nUSER 1000\n")))
    context = security(result.stdout)
    assert context["runAsUser"] == 1000
    assert "runAsGroup" not in context  # the image's /etc/passwd names the user's group


def test_explicit_run_as_user_over_a_different_numeric_user_is_fine(tmp_path: Path, kgen: Kgen) -> None:
    """The kubelet runs the pods as the profile's id; the image must work as it, as with the default."""
    result = kgen("render", str(write(tmp_path, "FROM node:20\nUSER 1000\n", "security:\n  runAsUser: 2000\n")))
    assert result.code == 0, result.stderr
    assert security(result.stdout)["runAsUser"] == 2000


def test_run_as_non_root_false_with_a_root_image_is_fine(tmp_path: Path, kgen: Kgen) -> None:
    extra = "security:\n  runAsNonRoot: false\n  runAsUser: image\n"
    assert kgen("render", str(write(tmp_path, "FROM debian:12\n", extra))).code == 0


def test_no_exposed_port_of_the_app_is_refused(tmp_path: Path, kgen: Kgen) -> None:
    profile = write(tmp_path, "FROM node:20\nUSER 1000\nEXPOSE 3000\n", "port: 8080\n")
    result = kgen("render", str(profile))
    assert result.code == 2
    assert result.stderr == (
        f"kgen: {profile}:6:1: port: is 8080, but {tmp_path}/Dockerfile:3:1 EXPOSEs 3000/tcp and no port of the "
        "app (8080/tcp): the probes and the Service would reach a port the app does not listen on; set port to the "
        "one the app listens on, or EXPOSE it in the Dockerfile\n"
    )


def test_default_port_not_exposed_points_at_the_dockerfile_field(tmp_path: Path, kgen: Kgen) -> None:
    profile = write(tmp_path, "FROM node:20\nEXPOSE 3000/tcp 9090\n")
    result = kgen("render", str(profile))
    assert result.code == 2
    assert result.stderr == (
        f"kgen: {profile}:5:3: build.dockerfile: {tmp_path}/Dockerfile:2:1 EXPOSEs 3000/tcp, 9090/tcp and no port "
        "of the app (8080/tcp; port is not set and defaults to 8080): the probes and the Service would reach a "
        "port the app does not listen on; set port to the one the app listens on, or EXPOSE it in the Dockerfile\n"
    )


def test_ports_that_agree_in_part_or_no_expose_at_all_render(tmp_path: Path, kgen: Kgen) -> None:
    extra = "port: 8080\nextraPorts:\n  - {name: metrics, port: 9090}\n"
    assert kgen("render", str(write(tmp_path, "FROM node:20\nEXPOSE 9090\n", extra))).code == 0
    assert kgen("render", str(write(tmp_path, "FROM node:20\n", extra))).code == 0
    udp = "port: 8080\nextraPorts:\n  - {name: dns, port: 53, protocol: UDP}\n"
    assert kgen("render", str(write(tmp_path, "FROM node:20\nEXPOSE 53/udp\n", udp))).code == 0
    assert kgen("render", str(write(tmp_path, "FROM node:20\nEXPOSE 53\n", udp))).code == 2  # 53/tcp is not 53/udp


def test_batch_without_ports_is_not_held_to_expose(tmp_path: Path, kgen: Kgen) -> None:
    (tmp_path / "Dockerfile").write_text("FROM node:20\nEXPOSE 3000\n")
    (tmp_path / "job.yaml").write_text("name: nightly\ntype: batch\nimage: ghcr.io/acme/j:1.0.0\nbuild: {dockerfile: Dockerfile}\n")
    assert kgen("render", str(tmp_path / "job.yaml")).code == 0


def test_path_is_relative_to_the_profile(tmp_path: Path, kgen: Kgen) -> None:
    (tmp_path / "services" / "shop").mkdir(parents=True)
    (tmp_path / "services" / "shop" / "Dockerfile").write_text("FROM node:20\nUSER app\n")
    (tmp_path / "deploy").mkdir()
    profile = tmp_path / "deploy" / "shop.yaml"
    profile.write_text(PROFILE.format(dockerfile="../services/shop/Dockerfile") + IMAGE_USER)
    result = kgen("render", str(profile))
    assert result.code == 2
    assert f"but {tmp_path}/deploy/../services/shop/Dockerfile:2:1 sets USER app:" in result.stderr


def test_missing_dockerfile(tmp_path: Path, kgen: Kgen) -> None:
    profile = tmp_path / "shop.yaml"
    profile.write_text(PROFILE.format(dockerfile="nope/Dockerfile"))
    result = kgen("render", str(profile))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"kgen: {profile}:5:3: build.dockerfile: {tmp_path}/nope/Dockerfile: no such file "
        "(the path is relative to the profile's folder)\n"
    )


def test_invalid_or_binary_dockerfile(tmp_path: Path, kgen: Kgen) -> None:
    profile = write(tmp_path, "")
    (tmp_path / "Dockerfile").write_bytes(b"\x7fELF\x00\x00binary")
    result = kgen("render", str(profile))
    assert result.code == 2
    assert result.stderr == f"kgen: {profile}:5:3: build.dockerfile: {tmp_path}/Dockerfile:1:1: a binary file, not a Dockerfile\n"
    (tmp_path / "Dockerfile").write_text("# only a comment\n")
    assert kgen("render", str(profile)).stderr == (
        f"kgen: {profile}:5:3: build.dockerfile: {tmp_path}/Dockerfile:1:1: not a valid Dockerfile: file with no instructions\n"
    )
    (tmp_path / "Dockerfile").write_text("ARG V=1\n")
    result = kgen("render", str(profile))
    assert result.code == 2
    assert result.stderr == (
        f"kgen: {profile}:5:3: build.dockerfile: {tmp_path}/Dockerfile has no FROM: not a Dockerfile that builds an image\n"
    )
    folder = tmp_path / "folder"
    folder.mkdir()
    profile.write_text(PROFILE.format(dockerfile="folder"))
    assert kgen("render", str(profile)).stderr == (
        f"kgen: {profile}:5:3: build.dockerfile: {folder} is a folder; name the Dockerfile in it\n"
    )


def test_schema_refuses_unknown_build_fields(tmp_path: Path, kgen: Kgen) -> None:
    profile = tmp_path / "shop.yaml"
    profile.write_text("name: shop\ntype: web\nimage: ghcr.io/acme/shop:1.0.0\nbuild:\n  context: .\n")
    result = kgen("render", str(profile))
    assert result.code == 2
    assert "build" in result.stderr and "dockerfile" in result.stderr


def test_environment_overlay_may_name_another_dockerfile(tmp_path: Path, kgen: Kgen) -> None:
    (tmp_path / "Dockerfile.debug").write_text("FROM debian:12\nUSER app\n")
    extra = IMAGE_USER + "environments:\n  debug:\n    build: {dockerfile: Dockerfile.debug}\n"
    profile = write(tmp_path, "FROM node:20\nUSER 1000\n", extra)
    assert kgen("render", str(profile)).code == 0
    result = kgen("render", str(profile), "--env", "debug")
    assert result.code == 2
    assert f"but {tmp_path}/Dockerfile.debug:2:1 sets USER app:" in result.stderr
