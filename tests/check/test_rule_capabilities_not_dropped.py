"""capabilities-not-dropped: "ALL" compared exactly, as Pod Security admission compares it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "capabilities-not-dropped"


def pod(security: str) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: nginx:1.27
{security}"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize("spelling", ["all", "All", "aLL"])
def test_another_spelling_of_all_is_reported_with_the_admission_reason(tmp_path: Path, spelling: str) -> None:
    text = pod(f"      securityContext:\n        capabilities:\n          drop: [NET_RAW, {spelling}]\n")
    line, column = loc(text, f"{spelling}]")
    assert findings(tmp_path, text) == [
        (RULE, line, column, "warning",
         f"container \"app\" drops '{spelling}', but Pod Security admission (restricted) accepts only the "
         'exact spelling "ALL"; write ALL'),
    ]


def test_exact_all_passes_even_next_to_another_spelling(tmp_path: Path) -> None:
    assert findings(tmp_path, pod("      securityContext:\n        capabilities:\n          drop: [all, ALL]\n")) == []


def test_missing_drop_points_at_the_deepest_field_present(tmp_path: Path) -> None:
    message = 'container "app" does not drop ALL capabilities (securityContext.capabilities.drop)'
    none = pod("")  # no securityContext: the container itself
    assert findings(tmp_path, none) == [(RULE, *loc(none, "name: app", 2), "warning", message)]
    partial = pod("      securityContext:\n        capabilities:\n          add: [NET_ADMIN]\n")
    assert findings(tmp_path, partial) == [(RULE, *loc(partial, "capabilities:"), "warning", message)]
    other = pod("      securityContext:\n        capabilities:\n          drop: [NET_RAW]\n")
    assert findings(tmp_path, other) == [(RULE, *loc(other, "drop:"), "warning", message)]


def test_a_privileged_container_gets_neither_capability_nor_escalation_advice(tmp_path: Path) -> None:
    text = pod("      securityContext:\n        privileged: true\n")
    result = check(tmp_path, text)
    assert [(f.rule, f.line, f.column, f.severity) for f in result.findings
            if f.rule in (RULE, "privilege-escalation", "privileged-container")] == [
        ("privileged-container", *loc(text, "privileged: true"), "error"),
    ]
