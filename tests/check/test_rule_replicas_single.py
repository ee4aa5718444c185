"""replicas-single: one replica and no autoscaler."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, deployment, loc, of


def test_unset_replicas_default_to_one(tmp_path: Path) -> None:
    text = deployment()
    result = check(tmp_path, text)
    (finding,) = of(result, "replicas-single")
    assert (finding.line, finding.column) == loc(text, "spec:")  # spec.replicas is missing: its parent
    assert finding.message.startswith("Deployment runs 1 (the default, as spec.replicas is not set) replica")
    assert finding.path == "spec.replicas"
    assert of(result, "pdb-missing") == []  # one replica needs no budget
