"""Each Dockerfile rule's logic module on small Dockerfiles: exact (message, line, column)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from kgen.load.dockerfile import parse


def problems(rule: str, text: str, params: dict[str, Any] | None = None) -> list[tuple[str, int, int]]:
    module = importlib.import_module("kgen.check.logic." + rule.replace("-", "_"))
    return [(p.message, p.line, p.column) for p in module.check_dockerfile(parse(text, "Dockerfile"), params or {})]


def lines(rule: str, text: str, params: dict[str, Any] | None = None) -> list[int]:
    return [line for _, line, _ in problems(rule, text, params)]


# dockerfile-base-unpinned

def test_base_untagged_and_latest() -> None:
    text = "FROM python\nFROM  node:latest AS web\n"
    assert problems("dockerfile-base-unpinned", text) == [
        ("base image python has no tag: it means latest, whatever that is at build time", 1, 1),
        ("base image node:latest uses the moving tag latest", 2, 1),
    ]


def test_base_arg_default_resolved() -> None:
    text = "ARG BASE=python\nARG V=latest\nFROM ${BASE}\nFROM node:${V}\n"
    assert problems("dockerfile-base-unpinned", text) == [
        ("base image python (${BASE} with its ARG default) has no tag: it means latest, whatever that is at build time", 3, 1),
        ("base image node:latest (node:${V} with its ARG default) uses the moving tag latest", 4, 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.12-slim\n",
        "FROM python@sha256:" + "a" * 64 + "\n",
        "FROM python:latest@sha256:" + "a" * 64 + "\n",
        "FROM scratch\n",
        "FROM golang:1.22 AS build\nFROM build\n",
        "FROM golang:1.22 AS Build\nFROM build AS test\n",
        "ARG VERSION\nFROM python:${VERSION}\n",
        "ARG IMAGE\nFROM ${IMAGE}\n",
        "FROM registry.example.com:5000/shop/web:1.4\n",
        "FROM --platform=$BUILDPLATFORM golang:1.22\n",
    ],
)
def test_base_pinned_passes(text: str) -> None:
    assert problems("dockerfile-base-unpinned", text) == []


def test_base_registry_port_is_not_a_tag() -> None:
    assert lines("dockerfile-base-unpinned", "FROM registry.example.com:5000/shop/web\n") == [1]


def test_base_mutable_tags_param() -> None:
    assert lines("dockerfile-base-unpinned", "FROM node:lts\nFROM node:latest\n", {"mutableTags": ["lts"]}) == [1]


# dockerfile-cmd-shell-form

def test_cmd_and_entrypoint_shell_form() -> None:
    text = "FROM python:3.12\nENTRYPOINT python -m app\nCMD gunicorn -b :80 app\n"
    assert problems("dockerfile-cmd-shell-form", text) == [
        ("ENTRYPOINT python -m app is in shell form: /bin/sh -c runs it and SIGTERM never reaches the process", 2, 1),
        ("CMD gunicorn -b :80 app is in shell form: /bin/sh -c runs it and SIGTERM never reaches the process", 3, 1),
    ]


@pytest.mark.parametrize("text", ['FROM a:1\nCMD ["app"]\n', 'FROM a:1\nENTRYPOINT ["app", "-x"]\nCMD []\n', "FROM a:1\nCMD exec gunicorn app\n"])
def test_cmd_exec_form_passes(text: str) -> None:
    assert problems("dockerfile-cmd-shell-form", text) == []


# dockerfile-package-cache

APT = "apt-get update writes the package lists to /var/lib/apt/lists and this RUN does not remove them (rm -rf /var/lib/apt/lists/*)"
APK = "apk add without --no-cache keeps the package index in /var/cache/apk in this layer"
PIP = "pip install without --no-cache-dir keeps the downloaded packages in pip's cache in this layer"


def test_package_caches() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "RUN rm -rf /var/lib/apt/lists/*\n"
        "RUN apk add curl\n"
        "RUN python3 -m pip install flask\n"
        "RUN <<EOF\nset -e\npip3 install -r requirements.txt\nEOF\n"
    )
    assert problems("dockerfile-package-cache", text) == [(APT, 2, 1), (APK, 4, 1), (PIP, 5, 1), (PIP, 6, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*\n",
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n",
        "FROM debian:12\nRUN apt-get install -y curl\n",
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir flask\n",
        "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
        "FROM python:3.12\nARG PIP_NO_CACHE_DIR=off\nRUN pip install flask\n",
        "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install flask\n",
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n",
        "FROM python:3.12\nRUN pip install flask && rm -rf /root/.cache\n",
        "FROM python:3.12 AS build\nRUN pip install flask\nFROM python:3.12-slim\nCOPY --from=build /usr/local /usr/local\n",
        "FROM python:3.12\nRUN pip uninstall -y flask && uv pip install flask\n",
    ],
)
def test_package_cache_passes(text: str) -> None:
    assert problems("dockerfile-package-cache", text) == []


def test_package_cache_in_a_stage_the_final_image_builds_on() -> None:
    text = "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n"
    assert problems("dockerfile-package-cache", text) == [(APT, 2, 1)]


def test_pip_no_cache_env_inherited_from_parent_stage() -> None:
    text = "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install x\n"
    assert problems("dockerfile-package-cache", text) == []


# dockerfile-cache-order

def test_cache_order() -> None:
    text = "FROM node:20 AS web\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nFROM python:3.12\nCOPY . /src\nRUN pip install -r /src/requirements.txt\n"
    assert problems("dockerfile-cache-order", text) == [
        ("COPY . . copies the whole context before npm ci (line 4): any source change runs the dependency step again", 3, 1),
        ("COPY . /src copies the whole context before pip install -r (line 7): any source change runs the dependency step again", 6, 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build .\n",
        "FROM golang:1.22\nCOPY . .\nRUN go build .\n",
        "FROM golang:1.22 AS b\nRUN go mod download\nFROM b\nCOPY --from=b . .\nRUN go mod download\n",
        "FROM node:20\nCOPY src/ ./src\nRUN npm ci\n",
        "FROM node:20\nCOPY . .\nRUN npm install left-pad\n",
    ],
)
def test_cache_order_passes(text: str) -> None:
    assert problems("dockerfile-cache-order", text) == []


# dockerfile-build-tools-in-final

def test_build_tools_in_final_follows_stages() -> None:
    text = "FROM maven:3.9-eclipse-temurin-21 AS build\nRUN mvn -B package\nFROM build AS final\nCMD [\"java\", \"-jar\", \"app.jar\"]\n"
    assert problems("dockerfile-build-tools-in-final", text) == [
        ("the final image is built on maven:3.9-eclipse-temurin-21, a toolchain image, while the Dockerfile compiles (mvn package): "
         "compile in a builder stage and copy the result into a runtime image", 3, 1),
    ]


def test_build_tools_full_node_image() -> None:
    assert lines("dockerfile-build-tools-in-final", "FROM node:20\nRUN npm ci && npm run build\n") == [1]


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n",
        "FROM node:20-slim\nRUN npm run build\n",
        "FROM eclipse-temurin:21-jre\nRUN javac A.java\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir flask\n",
        "FROM golang:1.22\nRUN go version\n",
    ],
)
def test_build_tools_passes(text: str) -> None:
    assert problems("dockerfile-build-tools-in-final", text) == []


# dockerfile-root-user

def test_root_user_cases() -> None:
    assert problems("dockerfile-root-user", "FROM python:3.12\nUSER app\nUSER 0:0\n") == [("the final USER is 0:0: the container runs as root", 3, 1)]
    assert problems("dockerfile-root-user", "FROM golang:1.22 AS b\nUSER 1000\nFROM scratch\nCOPY --from=b /a /a\n") == [
        ("the final stage sets no USER: scratch runs as uid 0", 3, 1)
    ]
    assert problems("dockerfile-root-user", "FROM node:20-slim\n") == [
        ("the final stage sets no USER: the user of node:20-slim applies, root unless that image sets one", 1, 1)
    ]
    assert problems("dockerfile-root-user", "FROM a:1\nARG WHO=root\nUSER ${WHO}\n") == [("the final USER is ${WHO}: the container runs as root", 3, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "FROM a:1\nUSER root\nRUN apt-get update\nUSER app\n",
        "FROM a:1\nUSER 1000:1000\n",
        "FROM a:1 AS base\nUSER 10001\nFROM base\nRUN true\n",
        "FROM gcr.io/distroless/static-debian12:nonroot\n",
        "FROM a:1\nARG UID\nUSER ${UID}\n",
    ],
)
def test_root_user_passes(text: str) -> None:
    assert problems("dockerfile-root-user", text) == []


# dockerfile-user-not-numeric

def test_user_not_numeric() -> None:
    assert problems("dockerfile-user-not-numeric", "FROM a:1\nUSER 1000\nUSER app:app\n") == [
        ("USER app is a name: Kubernetes cannot verify it is not root (runAsNonRoot refuses it); use a numeric uid", 3, 1)
    ]
    assert lines("dockerfile-user-not-numeric", "FROM a:1\nARG U=nobody\nUSER $U\n") == [3]


@pytest.mark.parametrize(
    "text",
    ["FROM a:1\nUSER app\nUSER 1000\n", "FROM a:1\nUSER 1000:app\n", "FROM a:1\nUSER root\n", "FROM a:1\nARG U\nUSER ${U}\n", "FROM a:1\n",
     "FROM a:1 AS b\nUSER app\nFROM c:1\nUSER 1000\n"],
)
def test_user_numeric_passes(text: str) -> None:
    assert problems("dockerfile-user-not-numeric", text) == []


# dockerfile-add-instead-of-copy

def test_add_local_files() -> None:
    text = "FROM a:1\nADD app.py conf/ /app/\nADD bundle.zip /x/\n"
    assert problems("dockerfile-add-instead-of-copy", text) == [
        ("ADD app.py conf/ copies local files: COPY does that without ADD's URL and archive handling", 2, 1),
        ("ADD bundle.zip copies local files: COPY does that without ADD's URL and archive handling", 3, 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "FROM a:1\nADD https://example.com/tool /usr/local/bin/tool\n",
        "FROM a:1\nADD rootfs.tar.xz /\n",
        "FROM a:1\nADD vendor.tgz /src/\n",
        "FROM a:1\nADD --keep-git-dir git@github.com:acme/x.git /src\n",
        "FROM a:1\nARG URL\nADD ${URL} /x\n",
        "FROM a:1\nARG URL=https://example.com/a\nADD ${URL} /x\n",
        "FROM a:1\nCOPY app.py /app/\n",
    ],
)
def test_add_passes(text: str) -> None:
    assert problems("dockerfile-add-instead-of-copy", text) == []


# dockerfile-secret-in-env

def test_secret_in_env_and_arg() -> None:
    text = "FROM a:1\nENV API_KEY=abc123 LOG_LEVEL=info\nARG DB_PASSWORD=hunter2\nARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\nENV GITHUB_TOKEN ghp_x\n"
    found = problems("dockerfile-secret-in-env", text)
    assert found == [
        ("ENV API_KEY is named like a secret and has a literal value, stored in the image's config", 2, 1),
        ("ARG DB_PASSWORD is named like a secret and has a literal default in the Dockerfile", 3, 1),
        ("ENV NPM_TOKEN takes its value from the build and stores it in the image's config", 5, 1),
        ("ENV GITHUB_TOKEN is named like a secret and has a literal value, stored in the image's config", 6, 1),
    ]
    assert not any("abc123" in m or "hunter2" in m or "ghp_x" in m for m, _, _ in found)


@pytest.mark.parametrize(
    "text",
    [
        "FROM a:1\nENV API_KEY=\n",
        'FROM a:1\nENV API_KEY=""\n',
        "FROM a:1\nARG API_KEY\n",
        "FROM a:1\nENV TOKEN_URL=https://auth.example.com/token PASSWORD_FILE=/run/secrets/pw\n",
        "FROM a:1\nENV GOOGLE_APPLICATION_CREDENTIALS=/var/run/key.json\n",
        "FROM a:1\nENV AWS_ACCESS_KEY_ID=AKIA123\n",
    ],
)
def test_secret_passes(text: str) -> None:
    assert problems("dockerfile-secret-in-env", text) == []


# dockerfile-copy-from-unknown-stage

def test_copy_from_unknown_stage() -> None:
    text = (
        "FROM golang:1.22 AS build\n"
        "COPY --from=build /a /b\n"
        "COPY --from=later /a /b\n"
        "FROM alpine:3.20 AS later\n"
        "COPY --from=biuld /app /app\n"
        "COPY --from=7 /a /b\n"
        "RUN --mount=type=bind,from=nope,target=/x true\n"
    )
    assert problems("dockerfile-copy-from-unknown-stage", text) == [
        ("COPY --from=build is the stage it is in: a stage cannot copy from itself", 2, 1),
        ("COPY --from=later: stage later is defined later (line 4); the classic builder does not find it", 3, 1),
        ("COPY --from=biuld: no stage is named biuld (did you mean build?); BuildKit would pull the image biuld:latest instead", 5, 1),
        ("COPY --from=7: there is no stage 7 (stages 0 to 1)", 6, 1),
        ("RUN --mount from=nope: no stage is named nope (stages: build, later); BuildKit would pull the image nope:latest instead", 7, 1),
    ]
    module = importlib.import_module("kgen.check.logic.dockerfile_copy_from_unknown_stage")
    assert [p.severity for p in module.check_dockerfile(parse(text, "Dockerfile"), {})] == [None, "warning", None, None, None]


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22 AS Build\nFROM alpine:3\nCOPY --from=build /a /b\nCOPY --from=0 /a /b\n",
        "FROM alpine:3\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
        "FROM alpine:3\nCOPY --from=ghcr.io/acme/base /a /b\nCOPY --from=busybox@sha256:" + "a" * 64 + " /bin/sh /bin/sh\n",
        "FROM alpine:3\nARG SRC=build\nCOPY --from=${SRC} /a /b\n",
    ],
)
def test_copy_from_passes(text: str) -> None:
    assert problems("dockerfile-copy-from-unknown-stage", text) == []


# dockerfile-workdir-relative

def test_workdir_relative() -> None:
    text = "FROM a:1\nWORKDIR /app\nWORKDIR src\nARG SUB=build\nWORKDIR ${SUB}/out\n"
    assert problems("dockerfile-workdir-relative", text) == [
        ("WORKDIR src is relative: it depends on the working directory before it", 3, 1),
        ("WORKDIR ${SUB}/out (build/out) is relative: it depends on the working directory before it", 5, 1),
    ]


@pytest.mark.parametrize(
    "text",
    ["FROM a:1\nWORKDIR /app\n", 'FROM a:1\nWORKDIR "/app"\n', "FROM a:1\nWORKDIR $HOME/app\n", "FROM a:1\nENV APP=/srv\nWORKDIR ${APP}/x\n",
     "FROM a:1\nWORKDIR C:\\\\app\n"],
)
def test_workdir_passes(text: str) -> None:
    assert problems("dockerfile-workdir-relative", text) == []


# dockerfile-pipefail

PIPE = "RUN has a pipe and /bin/sh -c runs it without pipefail: a failure before the last command is ignored"


def test_pipefail() -> None:
    text = (
        "FROM a:1\n"
        "RUN curl -fsSL https://x | tar xz\n"
        "RUN a || b\n"
        "RUN grep 'a|b' f\n"
        "RUN <<EOF\ncurl x | sh\nEOF\n"
        "RUN curl x | sh; set -o pipefail\n"
    )
    assert problems("dockerfile-pipefail", text) == [(PIPE, 2, 1), (PIPE, 5, 1), (PIPE, 8, 1)]


def test_pipefail_shebang_heredoc() -> None:
    text = "FROM a:1\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN <<EOF\n#!/bin/bash\ncurl x | sh\nEOF\n"
    assert problems("dockerfile-pipefail", text) == [
        ("RUN has a pipe and /bin/bash runs it without pipefail: a failure before the last command is ignored", 3, 1)
    ]


@pytest.mark.parametrize(
    "text",
    [
        'FROM a:1\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl x | sh\n',
        'FROM a:1\nSHELL ["/bin/bash", "-euxo", "pipefail", "-c"]\nRUN curl x | sh\n',
        'FROM a:1 AS base\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM base\nRUN curl x | sh\n',
        "FROM a:1\nRUN set -euo pipefail; curl x | sh\n",
        "FROM a:1\nRUN <<EOF\nset -o pipefail\ncurl x | sh\nEOF\n",
        "FROM a:1\nRUN python3 <<EOF\nprint('a' | 'b')\nEOF\n",
        'FROM a:1\nSHELL ["pwsh", "-Command"]\nRUN Get-Item x | Remove-Item\n',
        'FROM a:1\nRUN ["sh", "-c", "echo a"]\n',
    ],
)
def test_pipefail_passes(text: str) -> None:
    assert problems("dockerfile-pipefail", text) == []
