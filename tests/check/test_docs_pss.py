"""README's Pod Security Standards table says what kgen.check.pss and the policy files say."""

from __future__ import annotations

from kgen.check.policy import builtin_policy_dir, load_policy_dirs
from kgen.check.pss import CONTROLS, LEVEL_TAGS

from tests.conftest import REPO


def _version(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def readme_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("### Pod Security Standards\n")
    return text[start : text.index("\n### ", start + 1)]


def test_the_table_lists_every_control_with_its_level_versions_and_rules() -> None:
    rows = [line for line in readme_section().splitlines() if line.startswith("| ") and not line.startswith("| control")]
    expected = []
    for control in CONTROLS:
        rules = ", ".join(f"`{rule}`" for rule in control.reported_by) or "only `pod-security-rejected`"
        changes = ", ".join(_version(v) for v in control.versions[1:]) or "–"
        expected.append(
            f"| {control.name} | {control.level} | `{control.id}` | {_version(control.versions[0])} | {changes} | {rules} |"
        )
    assert rows == expected


def test_every_pss_rule_is_in_the_section_and_the_tags_it_names_exist() -> None:
    section = readme_section()
    tagged = [p.id for p in load_policy_dirs([builtin_policy_dir()]) if set(p.tags) & set(LEVEL_TAGS.values())]
    assert tagged and all(f"`{rule}`" in section for rule in tagged)
    assert all(f"`{tag}`" in section for tag in LEVEL_TAGS.values())
    assert "`pod-security-rejected`" in section and "`podSecurity: baseline`" in section
