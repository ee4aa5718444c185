"""Cross-object rules spread over forked processes (a large run with --jobs) find what one process
finds, in the same order, and a part that fails fails the run."""

from __future__ import annotations

import pytest

from kgen.check import engine, parallel
from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import CheckResult
from kgen.report import REPORTERS, ReportOptions

from tests.conftest import REPO

CORPUS = REPO / "fixtures" / "corpus"


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "usable_cores", lambda: 2)  # whatever the machine has


def checked(jobs: int, paths: tuple[str, ...] = (str(CORPUS),)) -> CheckResult:
    return run_check(CheckOptions(paths=paths, discover_config=False, jobs=jobs, collect_objects=True))


def test_forked_parts_find_what_one_process_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    alone = checked(1)
    forks: list[int] = []
    original = parallel.in_forks

    def counted(work: object, parts: int) -> object:
        forks.append(parts)
        return original(work, parts)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "CROSS_FORK_MIN", 1)
    monkeypatch.setattr(parallel, "in_forks", counted)
    spread = checked(2)
    assert forks == [2]
    cross = {"service-selects-no-pods", "pod-not-isolated", "reference-missing", "pdb-missing", "rbac-secrets-read"}
    assert cross & {f.rule for f in alone.findings}, "the corpus slice has cross-object findings"
    assert spread.findings == alone.findings  # every finding, at its place, in order
    assert [o.rules for o in spread.objects] == [o.rules for o in alone.objects]  # the rules applied, per object
    for name in ("json", "sarif", "junit"):
        assert REPORTERS[name](spread, ReportOptions()) == REPORTERS[name](alone, ReportOptions())


def test_a_part_that_fails_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "CROSS_FORK_MIN", 1)

    def broken(self: engine._Merger, context: object, part: int, parts: int, portable: bool = False) -> object:
        if part == 1:
            raise RuntimeError("part 1 broke")
        return []

    monkeypatch.setattr(engine._Merger, "_cross", broken)
    with pytest.raises(RuntimeError, match="part 1 broke"):
        checked(2)


def test_without_fork_the_rules_run_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(engine, "CROSS_FORK_MIN", 1)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert parallel.in_forks(lambda part: part, 2) is None
    assert checked(2, (str(CORPUS / "argo-cd"),)).findings == checked(1, (str(CORPUS / "argo-cd"),)).findings
