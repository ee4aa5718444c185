"""Every rule against its fixtures, and the meta-tests that keep rules honest.

Fixtures live in fixtures/policies/<rule-id>/. A ``fail*.yaml`` marks every
expected finding on the line it is reported at, with a trailing comment that
states the column (1-based, as kgen prints it) and the severity::

    port: web  # expect: probe-port-unknown@15 error

Several findings on one line are separated by commas
(``# expect: requests-exceed-limits@24 error, requests-exceed-limits@34 error``).
The fixture must produce exactly the marked findings of its folder's rule and of
every other rule it marks; findings of unmarked rules are ignored. A
``pass*.yaml`` produces no finding of its folder's rule and carries no marker.

A Dockerfile fixture (``fail*.Dockerfile``, ``pass*.Dockerfile``, for a rule with
``target: Dockerfile``) cannot carry a trailing comment: in a Dockerfile ``#`` starts a
comment only at the start of a line. Its markers are comment lines of their own, each
about the next line that is not a marker (the instruction below it, or the continuation
line below it inside a RUN; BuildKit drops comment lines inside continuations too)::

    # expect: dockerfile-add-instead-of-copy@1 warning
    ADD app.tar.gz /srv/

A fixture is checked with the config beside it, ``<name>.kgen.yaml`` (a rule
about the config itself, such as exemption-expired, is tested that way; its
findings are marked in that file), else with its folder's ``.kgen.yaml``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from kgen.check.engine import CheckOptions, run_check
from kgen.check.policy import builtin_policy_dir, load_policy_dirs
from kgen.load.yamlload import Document, load_text

from tests.conftest import REPO

FIXTURES = REPO / "fixtures" / "policies"
CUSTOM = REPO / "fixtures" / "custom-policies"
POLICIES = load_policy_dirs([builtin_policy_dir()])
RULE_IDS = [p.id for p in POLICIES]
_MARKER = re.compile(r"#\s*expect:(.*)$")
_LINE_MARKER = re.compile(r"^\s*#\s*expect:(.*)$")  # a Dockerfile's: a comment line of its own
DOCKERFILE_SUFFIX = ".Dockerfile"
_ENTRY = re.compile(r"([a-z0-9][a-z0-9-]*)@([1-9][0-9]*) (error|warning|info)")

Expected = dict[str, Counter[tuple[int, int, str]]]


def parse_markers(text: str, source: str = "<fixture>", dockerfile: bool = False) -> Expected:
    """The findings a fixture's markers promise: rule -> Counter of (line, column, severity).

    In a Dockerfile (``dockerfile``) a marker is a comment line about the next line that is no marker."""
    expected: Expected = {}
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        match = (_LINE_MARKER.match if dockerfile else _MARKER.search)(line)
        if match is None:
            continue
        at = number
        if dockerfile:
            at = next((n for n in range(number + 1, len(lines) + 1) if not _LINE_MARKER.match(lines[n - 1])), 0)
            if at == 0:
                raise ValueError(f"{source}:{number}: a marker with no line after it; put it on the line before the instruction")
        for entry in match[1].split(","):
            parsed = _ENTRY.fullmatch(entry.strip())
            if parsed is None:
                raise ValueError(
                    f"{source}:{number}: bad marker {entry.strip()!r}; "
                    "write '# expect: <rule-id>@<column> <severity>', comma-separated"
                )
            rule, column, severity = parsed[1], int(parsed[2]), parsed[3]
            expected.setdefault(rule, Counter())[(at, column, severity)] += 1
    return expected


def folder_config(rule: str) -> Path | None:
    """A rule that needs parameters (an allow list, a scheme) has them in fixtures/policies/<rule>/.kgen.yaml."""
    config = FIXTURES / rule / ".kgen.yaml"
    return config if config.is_file() else None


def fixture_config(path: Path, rule: str) -> Path | None:
    """``<fixture>.kgen.yaml`` beside the fixture, else its folder's config."""
    own = path.with_name(path.name.removesuffix(DOCKERFILE_SUFFIX).removesuffix(".yaml") + CONFIG_SUFFIX)
    return own if own.is_file() else folder_config(rule)


CONFIG_SUFFIX = ".kgen.yaml"


def findings_of(
    path: Path, rule: str, policy_dirs: tuple[Path, ...] = (), config: Path | None = None, in_file: Path | None = None
) -> Counter[tuple[int, int, str]]:
    """The findings of ``rule`` (in ``in_file`` only, when given) as (line, column, severity)."""
    # the rule is switched on, so an off-by-default rule's fixtures and examples are checked too
    options = CheckOptions(
        paths=(str(path),), discover_config=False, policy_dirs=policy_dirs, enable=(rule,), config_path=config
    )
    result = run_check(options)
    return Counter(
        (f.line, f.column, f.severity)
        for f in result.findings
        if f.rule == rule and (in_file is None or f.file == str(in_file))
    )


def assert_markers_hold(path: Path, rule: str, policy_dirs: tuple[Path, ...] = ()) -> None:
    config = fixture_config(path, rule)
    expected = parse_markers(path.read_text(encoding="utf-8"), str(path), is_dockerfile(path))
    in_config = parse_markers(config.read_text(encoding="utf-8"), str(config)) if config is not None else {}
    assert expected.get(rule) or in_config.get(rule), f"{path} has no '# expect: {rule}@<column> <severity>' marker"
    for marked in sorted({*expected, *in_config}):
        got = findings_of(path, marked, policy_dirs, config, in_file=path)
        assert got == expected.get(marked, Counter()), f"{path}: {marked} findings as (line, column, severity)"
        if config is not None:
            got = findings_of(path, marked, policy_dirs, config, in_file=config)
            assert got == in_config.get(marked, Counter()), f"{config}: {marked} findings as (line, column, severity)"


def is_dockerfile(path: Path) -> bool:
    return path.name.endswith(DOCKERFILE_SUFFIX)


def fixture_files(rule: str) -> list[Path]:
    """A rule's fixtures: manifests (``*.yaml``) and Dockerfiles (``*.Dockerfile``), their configs left out."""
    folder = FIXTURES / rule
    found = [*folder.glob("*.yaml"), *folder.glob("*" + DOCKERFILE_SUFFIX)]
    return sorted(path for path in found if not path.name.endswith(CONFIG_SUFFIX))


def fixture_cases() -> list[tuple[str, Path]]:
    return [(rule, path) for rule in RULE_IDS for path in fixture_files(rule) if path.name.startswith(("pass", "fail"))]


@pytest.mark.parametrize(("rule", "path"), fixture_cases(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_fixture(rule: str, path: Path) -> None:
    if path.name.startswith("pass"):
        config = fixture_config(path, rule)
        marks = parse_markers(path.read_text(encoding="utf-8"), str(path), is_dockerfile(path))
        assert marks == {}, "a passing fixture marks nothing"
        if config is not None:
            assert parse_markers(config.read_text(encoding="utf-8"), str(config)) == {}, "a passing fixture's config marks nothing"
        assert findings_of(path, rule, config=config) == Counter(), f"{rule} fired on a passing fixture"
    else:
        assert_markers_hold(path, rule)


def test_custom_policy_fixture_markers_hold() -> None:
    manifest = CUSTOM / "manifests" / "fail.yaml"
    for rule in ("team-label-missing", "memory-limit-too-high"):
        assert_markers_hold(manifest, rule, (CUSTOM / "policies",))


def test_dockerfile_markers_are_about_the_next_line_that_is_no_marker() -> None:
    text = (
        "FROM alpine:3.20\n"
        "# expect: rule-one@1 error\n"
        "#expect: rule-two@7 info, rule-one@1 error\n"
        "RUN a \\\n"
        "# expect: rule-one@3 warning\n"
        "  && b  # expect: rule-two@1 error\n"
    )
    assert parse_markers(text, dockerfile=True) == {
        "rule-one": Counter({(4, 1, "error"): 2, (6, 3, "warning"): 1}),
        "rule-two": Counter({(4, 7, "info"): 1}),  # a trailing '#' is part of the RUN, not a marker
    }
    with pytest.raises(ValueError, match=r"fixture>:2: a marker with no line after it"):
        parse_markers("FROM alpine:3.20\n# expect: rule-one@1 error\n", dockerfile=True)


def test_markers_state_line_column_and_severity() -> None:
    text = "a: 1\nb: 2  # expect: rule-one@3 error, rule-two@1 warning,rule-one@3 error\n"
    assert parse_markers(text) == {
        "rule-one": Counter({(2, 3, "error"): 2}),
        "rule-two": Counter({(2, 1, "warning"): 1}),
    }


@pytest.mark.parametrize(
    "marker",
    [
        "# expect: rule-one",
        "# expect: rule-one x2",
        "# expect: rule-one@3",
        "# expect: rule-one error",
        "# expect: rule-one@0 error",
        "# expect: rule-one@3 fatal",
        "# expect: rule-one@3 error,",
        "# expect: rule-one@3 error rule-two@1 info",
    ],
)
def test_a_marker_without_column_or_severity_is_an_error(marker: str) -> None:
    with pytest.raises(ValueError, match=r"fixture>:2: bad marker"):
        parse_markers(f"a: 1\nb: 2  {marker}\n")


@pytest.mark.parametrize("rule", RULE_IDS)
def test_every_rule_has_passing_and_failing_fixtures(rule: str) -> None:
    names = [p.name for p in fixture_files(rule)]
    assert any(n.startswith("pass") for n in names), f"no passing fixture for {rule}"
    assert any(n.startswith("fail") for n in names), f"no failing fixture for {rule}"


def test_fixture_folders_name_real_rules() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "custom") == sorted(RULE_IDS)


def test_policy_files_validate_against_the_policy_schema() -> None:
    schema = json.loads((REPO / "schemas" / "policy.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    for path in sorted((REPO / "policies").glob("*.yaml")):
        (document,) = load_text(path.read_text(), str(path))
        assert isinstance(document, Document)
        assert list(validator.iter_errors(document.data)) == [], path.name
        assert document.data["id"] == path.stem, "the file name is the rule id"


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_policy_metadata(policy: object) -> None:
    from kgen.check.policy import Policy

    assert isinstance(policy, Policy)
    assert policy.remediation.endswith("."), "remediations are sentences"
    assert policy.title and policy.title[0].isupper()
    if policy.target == "Object" and not policy.engine:
        assert policy.kinds or policy.traits, "an Object rule names the kinds or workload traits it applies to"
    if policy.logic:
        assert policy.logic == policy.id.replace("-", "_"), "logic module is named after the rule"
    assert set(policy.examples) in ({"fail", "pass"}, {"fail", "pass", "manifest"})


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_explain_examples_behave_as_labelled(policy: object, tmp_path: Path) -> None:
    from kgen.check.policy import Policy

    assert isinstance(policy, Policy)
    for outcome in ("fail", "pass"):
        path = tmp_path / (f"{outcome}{DOCKERFILE_SUFFIX}" if policy.target == "Dockerfile" else f"{outcome}.yaml")
        config = folder_config(policy.id)
        if "manifest" in policy.examples:  # the examples are .kgen.yaml files, checking this manifest
            config = tmp_path / f"{outcome}{CONFIG_SUFFIX}"
            config.write_text(policy.examples[outcome])
            path.write_text(policy.examples["manifest"])
        else:
            path.write_text(policy.examples[outcome])
        fired = bool(findings_of(path, policy.id, config=config))
        assert fired == (outcome == "fail"), f"{policy.id} {outcome} example"


def test_every_policy_file_is_a_shipped_rule() -> None:
    # README's count and overview are generated: tests/check/test_docs_readme.py keeps them current
    shipped = sorted(path.stem for path in (REPO / "policies").glob("*.yaml"))
    assert sorted(RULE_IDS) == shipped
