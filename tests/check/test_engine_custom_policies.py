"""Custom policies from a folder (--policies) and from the config, with parameters."""

from __future__ import annotations

from pathlib import Path

from kgen.check.engine import CheckOptions, run_check

from tests.check.support import CUSTOM, loc, of, write


def test_custom_policies_from_a_folder(tmp_path: Path) -> None:
    manifests = CUSTOM / "manifests"
    result = run_check(
        CheckOptions(
            paths=(str(manifests / "fail.yaml"), str(manifests / "pass.yaml")),
            discover_config=False,
            policy_dirs=(CUSTOM / "policies",),
        )
    )
    text = (manifests / "fail.yaml").read_text()
    team = 'Deployment "{}" has no "team" label (metadata.labels)'
    memory = 'container "{}" has a memory limit above 4Gi (resources.limits.memory)'
    found = [(f.rule, Path(f.file).name, f.line, f.column, f.message) for f in result.findings]
    assert [f for f in found if f[0] in ("team-label-missing", "memory-limit-too-high")] == [
        ("team-label-missing", "fail.yaml", *loc(text, "labels:"), team.format("checkout")),
        ("memory-limit-too-high", "fail.yaml", *loc(text, "memory: 6Gi"), memory.format("checkout")),
        ("team-label-missing", "fail.yaml", *loc(text, "metadata:", 3), team.format("search")),
        ("memory-limit-too-high", "fail.yaml", *loc(text, "memory: 4097Mi"), memory.format("search")),
    ]
    assert result.rules["team-label-missing"].severity == "warning"


def test_custom_policies_from_config_with_parameters(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        f"""
        policies: [{CUSTOM / "policies"}]
        rules:
          team-label-missing:
            severity: error
            params: {{label: owner}}
        """,
        ".kgen.yaml",
    )
    result = run_check(
        CheckOptions(paths=(str(CUSTOM / "manifests" / "pass.yaml"),), discover_config=False, config_path=config)
    )
    (finding,) = of(result, "team-label-missing")
    assert (finding.severity, finding.message) == ("error", 'Deployment "checkout" has no "owner" label (metadata.labels)')
    assert of(result, "memory-limit-too-high") == []
