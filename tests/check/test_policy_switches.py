"""A policy with enabled: false is off until the config or --enable switches it on."""

from __future__ import annotations

from pathlib import Path

from kgen.check.docs import explain_rule
from kgen.check.engine import CheckOptions, run_check

POLICY = """\
id: team-label-required
severity: info
enabled: false
title: Object has no team label
description: An object does not carry a team label.
rationale: Alerts are routed by team.
remediation: Add a team label.
target: Object
kinds: ["*"]
message: '{kind} "{name}" has no team label'
schema: {required: [metadata], properties: {metadata: {required: [labels], properties: {labels: {required: [team]}}}}}
"""

MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"


def run(tmp_path: Path, config: str | None = None, enable: tuple[str, ...] = ()) -> list[tuple[str, int, int, str]]:
    policies = tmp_path / "policies"
    policies.mkdir(exist_ok=True)
    (policies / "team.yaml").write_text(POLICY, encoding="utf-8")
    manifest = tmp_path / "m.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    config_path = None
    if config is not None:
        config_path = tmp_path / ".kgen.yaml"
        config_path.write_text(config, encoding="utf-8")
    result = run_check(
        CheckOptions(paths=(str(manifest),), config_path=config_path, discover_config=False,
                     policy_dirs=(policies,), enable=enable)
    )
    return [(f.rule, f.line, f.column, f.severity) for f in result.findings if f.rule == "team-label-required"]


def test_off_by_default(tmp_path: Path) -> None:
    assert run(tmp_path) == []


def test_switched_on_by_the_config_or_the_command_line(tmp_path: Path) -> None:
    assert run(tmp_path, config="rules:\n  team-label-required: on\n") == [("team-label-required", 3, 1, "info")]
    assert run(tmp_path, enable=("team-label-required",)) == [("team-label-required", 3, 1, "info")]


def test_explain_says_it_is_off_by_default(tmp_path: Path) -> None:
    run(tmp_path)
    text = explain_rule("team-label-required", None, (tmp_path / "policies",), discover=False)
    assert text.splitlines()[0] == "team-label-required (off by default; info when switched on): Object has no team label"
