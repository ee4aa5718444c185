"""schema-invalid: unknown kinds are skipped unless --strict."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import ROLLOUT, check, loc, of


def test_unknown_kinds_are_skipped_unless_strict(tmp_path: Path) -> None:
    lax = check(tmp_path, ROLLOUT)
    assert of(lax, "schema-invalid") == []
    assert lax.summary.skipped_unknown_kind == 1
    strict = check(tmp_path, ROLLOUT, strict=True)
    (finding,) = of(strict, "schema-invalid")
    assert (finding.line, finding.column) == loc(ROLLOUT, "kind:")
    assert finding.message.startswith("no schema for Rollout argoproj.io/v1alpha1 in Kubernetes ")
