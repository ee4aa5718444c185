"""Every rule against its fixtures, and the meta-tests that keep rules honest.

Fixtures live in fixtures/policies/<rule-id>/: ``fail*.yaml`` must produce
exactly the findings of that rule marked in the file with a trailing
``# expect: <rule-id>`` comment on the reported line (one marker per finding;
``# expect: <rule-id> x2`` for two on one line), ``pass*.yaml`` none of that
rule. Other rules' findings are ignored here.
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
POLICIES = load_policy_dirs([builtin_policy_dir()])
RULE_IDS = [p.id for p in POLICIES]
_MARKER = re.compile(r"#\s*expect:\s*([a-z0-9-]+)(?:\s+x(\d+))?")


def expected_lines(path: Path, rule: str) -> Counter[int]:
    found: Counter[int] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for match in _MARKER.finditer(line):
            if match[1] == rule:
                found[number] += int(match[2] or 1)
    return found


def findings_of(path: Path, rule: str) -> Counter[int]:
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    return Counter(f.line for f in result.findings if f.rule == rule)


def fixture_cases() -> list[tuple[str, Path]]:
    return [
        (rule, path)
        for rule in RULE_IDS
        for path in sorted((FIXTURES / rule).glob("*.yaml"))
        if path.name.startswith(("pass", "fail"))
    ]


@pytest.mark.parametrize(("rule", "path"), fixture_cases(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_fixture(rule: str, path: Path) -> None:
    got = findings_of(path, rule)
    if path.name.startswith("pass"):
        assert got == Counter(), f"{rule} fired on a passing fixture"
    else:
        expected = expected_lines(path, rule)
        assert expected, f"{path} has no '# expect: {rule}' marker"
        assert got == expected


@pytest.mark.parametrize("rule", RULE_IDS)
def test_every_rule_has_passing_and_failing_fixtures(rule: str) -> None:
    names = [p.name for p in (FIXTURES / rule).glob("*.yaml")]
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
        assert policy.kinds, "an Object rule names the kinds it applies to"
    if policy.logic:
        assert policy.logic == policy.id.replace("-", "_"), "logic module is named after the rule"
    assert set(policy.examples) == {"fail", "pass"}


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_explain_examples_behave_as_labelled(policy: object, tmp_path: Path) -> None:
    from kgen.check.policy import Policy

    assert isinstance(policy, Policy)
    for outcome in ("fail", "pass"):
        path = tmp_path / f"{outcome}.yaml"
        path.write_text(policy.examples[outcome])
        fired = bool(findings_of(path, policy.id))
        assert fired == (outcome == "fail"), f"{policy.id} {outcome} example"
