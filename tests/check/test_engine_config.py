"""What .kgen.yaml changes in a check: custom workload kinds."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import ROLLOUT, check, loc, of, where, write


def test_custom_workload_kind_from_config(tmp_path: Path) -> None:
    config = write(tmp_path, "workloads:\n  - kind: Rollout\n    podSpecPath: spec.template.spec\n", ".kgen.yaml")
    with_config = check(tmp_path, ROLLOUT, config_path=config)
    rules = ("image-tag-mutable", "cpu-requests-missing", "liveness-probe-missing")
    assert sorted(where(with_config, *rules)) == sorted(
        [
            ("image-tag-mutable", *loc(ROLLOUT, "image:")),
            ("cpu-requests-missing", *loc(ROLLOUT, "name: canary", 2)),
            ("liveness-probe-missing", *loc(ROLLOUT, "name: canary", 2)),
        ]
    )
    finding = of(with_config, "image-tag-mutable")[0]
    assert (finding.object.kind, finding.container) == ("Rollout", "canary")
    assert finding.path == "spec.template.spec.containers[0].image"
    assert with_config.summary.skipped_unknown_kind == 0  # declared in workloads: known to kgen, though it has no API schema

    without = check(tmp_path, ROLLOUT)
    assert where(without, *rules) == []
