"""CRDs among the checked files validate their resources whether one process checks or several."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kgen.check.engine import CheckOptions, run_check
from kgen.check import parallel

from tests.conftest import REPO

CRDS = REPO / "fixtures" / "crds" / "prometheus-operator"
RESOURCES = REPO / "fixtures" / "crds" / "resources"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The resources first and their CRDs last (a CRD may come after its resources), with enough
    other files that --jobs 2 uses worker processes."""
    shutil.copy(RESOURCES / "servicemonitor-invalid.yaml", tmp_path / "a-servicemonitors.yaml")
    for index in range(parallel.MIN_FILES):
        (tmp_path / f"m-{index:02d}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{index}, namespace: shop}}\ndata: {{k: v}}\n",
            encoding="utf-8",
        )
    for crd in sorted(CRDS.glob("*.yaml")):
        shutil.copy(crd, tmp_path / f"z-{crd.name}")
    (tmp_path / "z-unused-crd.yaml").write_text(
        (REPO / "fixtures" / "crds" / "cert-manager" / "cert-manager.io_certificates.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return tmp_path


def findings(tree: Path, jobs: int) -> list[tuple[str, int, int, str]]:
    result = run_check(CheckOptions(paths=(str(tree),), discover_config=False, jobs=jobs))
    return [(Path(f.file).name, f.line, f.column, f.rule) for f in result.findings if f.rule == "schema-invalid"]


def test_in_tree_crds_validate_with_workers_as_without(tree: Path) -> None:
    alone = findings(tree, 1)
    assert ("a-servicemonitors.yaml", 13, 7, "schema-invalid") in alone  # interval: 30 seconds
    assert len(alone) >= 5
    assert findings(tree, 2) == alone


def test_workers_stop_on_their_own_when_the_run_is_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker is told to stop and exits 0: the end of its task pipe alone is not seen while a
    worker forked after it holds a copy of that pipe's write end, and stopping waited (2 s, then a kill)."""
    for number in range(parallel.MIN_FILES + 6):
        (tmp_path / f"cm{number}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{number}}}\n")
    exits: list[int | None] = []
    original = parallel._Worker.stop

    def recorded(self: "parallel._Worker", kill: bool) -> None:
        original(self, kill)
        exits.append(self.process.exitcode)

    monkeypatch.setattr(parallel, "REAP_SECONDS", 120.0)  # a worker that does not stop would hang the test
    monkeypatch.setattr(parallel._Worker, "stop", recorded)
    result = run_check(CheckOptions(paths=(str(tmp_path),), discover_config=False, jobs=2))
    assert result.summary.files == parallel.MIN_FILES + 6
    assert exits == [0, 0]
