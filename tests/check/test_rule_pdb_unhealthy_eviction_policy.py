"""pdb-unhealthy-eviction-policy: only where the API server keeps the field (1.27 and later), policy/v1 only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "pdb-unhealthy-eviction-policy"
MESSAGE = (
    "PodDisruptionBudget sets no spec.unhealthyPodEvictionPolicy, so a crash-looping (not Ready) pod it selects "
    "cannot be evicted while the budget is short and blocks node drains"
)


def pdb(extra: str = "", api_version: str = "policy/v1") -> str:
    return f"""
apiVersion: {api_version}
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1{extra}
  selector:
    matchLabels: {{app: web}}
"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize(("version", "fires"), [("1.26", False), ("1.27", True), ("1.31", True), ("v1.30.4", True)])
def test_versions_compare_as_numbers(tmp_path: Path, version: str, fires: bool) -> None:
    text = pdb()
    expected = [(RULE, *loc(text, "spec:"), "warning", MESSAGE)] if fires else []
    assert findings(tmp_path, text, kubernetes_version=version) == expected


def test_both_policies_written_out_pass(tmp_path: Path) -> None:
    for policy in ("AlwaysAllow", "IfHealthyBudget"):
        assert findings(tmp_path, pdb(f"\n  unhealthyPodEvictionPolicy: {policy}")) == []


def test_v1beta1_is_not_checked(tmp_path: Path) -> None:
    assert findings(tmp_path, pdb(api_version="policy/v1beta1"), kubernetes_version="1.25") == []
