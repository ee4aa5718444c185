"""Golden files: every fixture profile renders to its expected output, byte for byte.

Regenerate with ``pytest tests/render --update-golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "fixtures" / "profiles"
EXPECTED = ROOT / "fixtures" / "expected"


def _environments(profile: Path) -> list[str]:
    names: set[str] = set()
    for document in yaml.safe_load_all(profile.read_text(encoding="utf-8")):
        names.update((document or {}).get("environments", {}))
    return sorted(names)


def _cases() -> list[tuple[str, str | None]]:
    cases: list[tuple[str, str | None]] = []
    for profile in sorted(PROFILES.glob("*.yaml")):
        cases.append((profile.stem, None))
        cases += [(profile.stem, env) for env in _environments(profile)]
    return cases


CASES = _cases()


def _expected_path(case: str, env: str | None) -> Path:
    return EXPECTED / (f"{case}.{env}.yaml" if env else f"{case}.yaml")


@pytest.mark.parametrize(("case", "env"), CASES, ids=[f"{c}.{e}" if e else c for c, e in CASES])
def test_golden(kgen, update_golden: bool, case: str, env: str | None) -> None:
    args = ["render", str(PROFILES / f"{case}.yaml")] + (["--env", env] if env else [])
    outcome = kgen(*args)
    assert outcome.code == 0, outcome.stderr
    assert outcome.stderr == ""
    expected = _expected_path(case, env)
    if update_golden:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_bytes(outcome.stdout.encode("utf-8"))
    assert expected.exists(), f"no golden file {expected.name}; run pytest tests/render --update-golden"
    assert outcome.stdout.encode("utf-8") == expected.read_bytes()


def test_fixture_set_covers_the_issue() -> None:
    """At least one profile per type, one with environments, the README's shop-api."""
    types = {
        document["type"]
        for profile in PROFILES.glob("*.yaml")
        for document in yaml.safe_load_all(profile.read_text(encoding="utf-8"))
    }
    assert types == {"web", "batch", "database"}
    assert (PROFILES / "shop-api.yaml").exists()
    assert any(env for _, env in CASES)


def test_no_stale_golden_files() -> None:
    expected = {_expected_path(case, env).name for case, env in CASES}
    assert {path.name for path in EXPECTED.glob("*.yaml")} == expected


@pytest.mark.parametrize("app_type", ["web", "batch", "database"])
def test_full_fixture_sets_every_field_of_its_type(app_type: str) -> None:
    """The full-<type> profiles use every field the schema allows for that type."""
    from kgen.resources import load_schema

    schema = load_schema("profile.schema.json")
    allowed = set(schema["properties"])
    for rule in schema["allOf"]:
        if rule["if"]["properties"]["type"]["const"] == app_type:
            allowed -= {field for field, sub in rule["then"]["properties"].items() if "not" in sub}
    document = yaml.safe_load((PROFILES / f"full-{app_type}.yaml").read_text(encoding="utf-8"))
    assert allowed - set(document) == set()
