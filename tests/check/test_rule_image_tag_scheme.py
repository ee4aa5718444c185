"""image-tag-scheme: the first configured scheme that fits a workload's namespace and pod labels judges its tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.errors import ConfigError
from tests.check.support import check, loc

RULE = "image-tag-scheme"
CONFIG = r"""rules:
  image-tag-scheme:
    enabled: true
    params:
      schemes:
        - name: prod
          namespaces: [prod]
          pattern: '\d+\.\d+\.\d+-prod'
        - selector: {matchExpressions: [{key: stage, operator: In, values: [rc]}]}
          pattern: '\d+\.\d+\.\d+-rc'
"""


def deployment(namespace: str, labels: str, *images: str) -> str:
    containers = "".join(f"        - name: c{i}\n          image: {image}\n" for i, image in enumerate(images))
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: {namespace}}}\nspec:\n"
        f"  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata:\n      labels: {labels}\n"
        f"    spec:\n      containers:\n{containers}"
    )


def findings(tmp_path: Path, text: str, config: str = CONFIG) -> list[tuple[str, int, int, str, str]]:
    (tmp_path / ".kgen.yaml").write_text(config)
    result = check(tmp_path, text, config_path=tmp_path / ".kgen.yaml")
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_namespace_scheme_comes_first_and_the_whole_tag_must_match(tmp_path: Path) -> None:
    text = deployment("prod", "{app: web, stage: rc}", "r.example.com/web:1.2.3-rc", "r.example.com/web:1.2.3-prod-1", "r.example.com/web:1.2.3-prod")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "image: r.example.com/web:1.2.3-rc"), "warning",
         'container "c0" image r.example.com/web:1.2.3-rc has the tag 1.2.3-rc, which does not fit the tag scheme '
         r"prod for namespace prod (pattern \d+\.\d+\.\d+-prod)"),
        (RULE, *loc(text, "image: r.example.com/web:1.2.3-prod-1"), "warning",
         'container "c1" image r.example.com/web:1.2.3-prod-1 has the tag 1.2.3-prod-1, which does not fit the tag '
         r"scheme prod for namespace prod (pattern \d+\.\d+\.\d+-prod)"),
    ]


def test_a_selector_scheme_reads_the_pod_labels_and_an_unnamed_scheme_is_named_by_index(tmp_path: Path) -> None:
    text = deployment("staging", "{app: web, stage: rc}", "r.example.com/web", "r.example.com/web@sha256:0123abcd")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "image:"), "warning",
         'container "c0" image r.example.com/web has no tag (so it means :latest), which does not fit the tag scheme '
         r"schemes[1] for pods its selector matches (pattern \d+\.\d+\.\d+-rc)"),
    ]


def test_a_workload_no_scheme_fits_is_not_checked(tmp_path: Path) -> None:
    assert findings(tmp_path, deployment("staging", "{app: web}", "r.example.com/web:anything")) == []


def test_switched_on_with_no_schemes_says_so(tmp_path: Path) -> None:
    text = deployment("staging", "{app: web}", "r.example.com/web:1")
    assert findings(tmp_path, text, "rules:\n  image-tag-scheme: {enabled: true}\n") == [
        (RULE, *loc(text, "image:"), "warning",
         'container "c0" image r.example.com/web:1: no tag scheme is configured yet: set .kgen.yaml '
         "rules.image-tag-scheme.params.schemes"),
    ]


@pytest.mark.parametrize(
    ("scheme", "field", "message"),
    [
        ("{pattern: '(unclosed'}", "rules.image-tag-scheme.params.schemes[0].pattern", "'(unclosed' is not a 'regex'"),
        ("{pattern: x, selector: {matchExpressions: [{key: a, operator: In}]}}",
         "rules.image-tag-scheme.params.schemes[0].selector.matchExpressions[0]", "missing required key 'values'"),
        ("{pattern: x, selector: {matchExpressions: [{key: a, operator: Has}]}}",
         "rules.image-tag-scheme.params.schemes[0].selector.matchExpressions[0].operator",
         "'Has' is not one of In, NotIn, Exists, DoesNotExist"),
        ("{pattern: x, namespaces: [Prod]}", "rules.image-tag-scheme.params.schemes[0].namespaces[0]",
         "'Prod' does not match the pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
    ],
)
def test_patterns_and_selectors_are_checked_when_the_config_is_loaded(
    tmp_path: Path, scheme: str, field: str, message: str
) -> None:
    config = f"rules:\n  image-tag-scheme:\n    params:\n      schemes: [{scheme}]\n"
    with pytest.raises(ConfigError) as raised:
        findings(tmp_path, deployment("prod", "{app: web}", "r.example.com/web:1"), config)
    assert (raised.value.field, raised.value.message) == (field, message)
