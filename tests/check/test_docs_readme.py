"""README's rule overview is generated from the policy files, like docs/rules.md: never hand-counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.check.docs import README_END, README_START, readme_rules, splice_readme, write_readme
from kgen.check.policy import builtin_policy_dir, load_policy_dirs, load_policy_file
from kgen.errors import KgenError

from tests.conftest import REPO

REGENERATE = "run: python -m kgen.check.docs README.md"


def block_of(text: str) -> str:
    start, end = text.index(README_START), text.index(README_END)
    return text[start : end + len(README_END)] + "\n"


def test_readme_rule_overview_is_up_to_date() -> None:
    policies = load_policy_dirs([builtin_policy_dir()])
    assert block_of((REPO / "README.md").read_text(encoding="utf-8")) == readme_rules(policies), REGENERATE


def test_the_overview_counts_and_lists_every_shipped_rule() -> None:
    policies = load_policy_dirs([builtin_policy_dir()])
    block = readme_rules(policies)
    off = [p.id for p in policies if not p.enabled]
    assert f"**Rules.** {len(policies)} rules ({len(policies) - len(off)} on by default, {len(off)} off until switched on)" in block
    for policy in policies:
        suffix = " (off)" if not policy.enabled else ""
        assert block.count(f"[`{policy.id}`](docs/rules.md#{policy.id}){suffix}") == 1, policy.id
        assert f"## {policy.id}\n" in (REPO / "docs" / "rules.md").read_text(encoding="utf-8")  # the link's target


def policy(tmp_path: Path, rule_id: str, tags: str, enabled: bool = True) -> object:
    path = tmp_path / f"{rule_id}.yaml"
    path.write_text(
        f"id: {rule_id}\nseverity: warning\ntitle: T\ndescription: d\nrationale: r\nremediation: Fix it.\n"
        f"target: Object\nkinds: [ConfigMap]\nmessage: m\nschema: {{required: [data]}}\ntags: {tags}\n"
        + ("enabled: false\n" if not enabled else ""),
        encoding="utf-8",
    )
    return load_policy_file(path)


def test_areas_follow_the_first_specific_tag_and_a_new_rule_changes_the_block(tmp_path: Path) -> None:
    rbac = policy(tmp_path, "team-rbac", "[security, rbac]")
    lone = policy(tmp_path, "team-lone", "[security]")
    novel = policy(tmp_path, "team-novel", "[cost]", enabled=False)
    first = readme_rules([rbac, lone])  # type: ignore[list-item]
    assert first == (
        f"{README_START}\n"
        "**Rules.** 2 rules (2 on by default, 0 off until switched on), each a file in [`policies/`](policies/):\n"
        "\n"
        "| area | rules |\n"
        "|---|---|\n"
        "| access control (RBAC) | [`team-rbac`](docs/rules.md#team-rbac) |\n"
        "| other security | [`team-lone`](docs/rules.md#team-lone) |\n"
        f"{README_END}\n"
    )
    second = readme_rules([rbac, lone, novel])  # type: ignore[list-item]
    assert "**Rules.** 3 rules (2 on by default, 1 off until switched on)" in second
    assert second.splitlines()[-2] == "| cost | [`team-novel`](docs/rules.md#team-novel) (off) |"  # unknown areas last


def test_splicing_replaces_only_the_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# kgen\n\nbefore\n\n{README_START}\nstale: 30 rules\n{README_END}\n\nafter\n", encoding="utf-8")
    write_readme(readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# kgen\n\nbefore\n\n" + README_START + "\n**Rules.** ")
    assert text.endswith(f"{README_END}\n\nafter\n")
    assert "stale" not in text
    assert block_of(text) == readme_rules(load_policy_dirs([builtin_policy_dir()]))
    write_readme(readme)
    assert readme.read_text(encoding="utf-8") == text  # regenerating is idempotent


def test_a_readme_without_the_markers_is_a_clear_error() -> None:
    with pytest.raises(KgenError) as raised:
        splice_readme("# kgen\n\n**Rules.** 30 rules\n", "block\n")
    assert raised.value.message == f"the README has no rules block: a line {README_START!r}, then {README_END!r}"
