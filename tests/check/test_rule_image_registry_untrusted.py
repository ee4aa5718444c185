"""image-registry-untrusted: registries as the container runtime resolves them, against the allowed list."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.check.logic._images import allowed_by, image_name
from tests.check.support import check, loc

RULE = "image-registry-untrusted"


def pod(*images: str) -> str:
    containers = "".join(f"    - name: c{i}\n      image: {image}\n" for i, image in enumerate(images))
    return f"apiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  containers:\n{containers}"


def findings(tmp_path: Path, text: str, config: str | None) -> list[tuple[str, int, int, str, str]]:
    options: dict[str, object] = {"enable": (RULE,)}
    if config is not None:
        (tmp_path / ".kgen.yaml").write_text(config)
        options["config_path"] = tmp_path / ".kgen.yaml"
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize(
    ("image", "registry", "repository"),
    [
        ("nginx", "docker.io", "library/nginx"),
        ("nginx:1.27@sha256:abc", "docker.io", "library/nginx"),
        ("bitnami/redis:7", "docker.io", "bitnami/redis"),
        ("index.docker.io/library/redis", "docker.io", "library/redis"),
        ("registry:5000/web:1", "registry:5000", "web"),
        ("localhost/web", "localhost", "web"),
        ("Internal/web", "Internal", "web"),
        ("ghcr.io/org/team/app:v1", "ghcr.io", "org/team/app"),
    ],
)
def test_registry_as_the_runtime_resolves_it(image: str, registry: str, repository: str) -> None:
    assert (image_name(image).registry, image_name(image).repository) == (registry, repository)


@pytest.mark.parametrize(
    ("image", "entry", "allowed"),
    [
        ("ghcr.io/org/app", "ghcr.io/org", True),
        ("ghcr.io/org-forks/app", "ghcr.io/org", False),
        ("ghcr.io/org", "ghcr.io/org", True),
        ("REGISTRY.example.com/app", "registry.example.com", True),
        ("registry.example.com:5000/app", "registry.example.com", False),
        ("nginx", "docker.io/library", True),
        ("bitnami/nginx", "docker.io/library", False),
        ("index.docker.io/bitnami/nginx", "docker.io", True),
    ],
)
def test_allowed_entries_are_hosts_or_path_prefixes(image: str, entry: str, allowed: bool) -> None:
    assert allowed_by(image_name(image), entry) is allowed


def test_messages_say_where_the_image_comes_from(tmp_path: Path) -> None:
    text = pod("nginx:1.27", "registry.example.com/shop/web:1.0-prod", "quay.io/x/y:1")
    config = "rules:\n  image-registry-untrusted:\n    params: {allowed: [registry.example.com]}\n"
    assert findings(tmp_path, text, config) == [
        (RULE, *loc(text, "image: nginx"), "warning",
         'container "c0" image nginx:1.27 is pulled from docker.io (as docker.io/library/nginx), which is not '
         "among the allowed registries (registry.example.com)"),
        (RULE, *loc(text, "image: quay.io"), "warning",
         'container "c2" image quay.io/x/y:1 is pulled from quay.io, which is not among the allowed registries '
         "(registry.example.com)"),
    ]


def test_switched_on_with_no_list_every_image_says_so(tmp_path: Path) -> None:
    text = pod("registry.example.com/shop/web:1.0-prod")
    assert findings(tmp_path, text, None) == [
        (RULE, *loc(text, "image:"), "warning",
         'container "c0" image registry.example.com/shop/web:1.0-prod is pulled from registry.example.com; no '
         "registry is allowed yet: list the registries the cluster may pull from in .kgen.yaml "
         "rules.image-registry-untrusted.params.allowed"),
    ]


def test_off_by_default(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(pod("nginx:1.27"))
    from kgen.check.engine import CheckOptions, run_check

    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    assert [f for f in result.findings if f.rule == RULE] == []


def test_a_url_is_not_an_allowed_entry(tmp_path: Path) -> None:
    from kgen.errors import ConfigError

    config = "rules:\n  image-registry-untrusted:\n    params: {allowed: ['https://registry.example.com']}\n"
    with pytest.raises(ConfigError) as raised:
        findings(tmp_path, pod("nginx"), config)
    assert raised.value.field == "rules.image-registry-untrusted.params.allowed[0]"
    assert raised.value.message.startswith("'https://registry.example.com' does not match the pattern")
