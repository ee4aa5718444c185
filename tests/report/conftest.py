"""Fixtures for the reporter tests; the results come from ``tests.report.report_factory``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgen.check.result import SEVERITIES, CheckedObject, CheckResult, Summary

from tests.report.report_factory import APP, RULES, WEB, WEB_SERVICE, WORKLOAD_RULES, make_result


@pytest.fixture
def sample() -> CheckResult:
    return make_result()


@pytest.fixture
def clean() -> CheckResult:
    """Nothing found: two objects in one file, nothing skipped or suppressed."""
    objects = (CheckedObject(WEB, APP, 1, 1, WORKLOAD_RULES), CheckedObject(WEB_SERVICE, APP, 30, 1, ()))
    summary = Summary(files=1, documents=2, objects=2, by_severity={s: 0 for s in SEVERITIES})
    return CheckResult((), summary, RULES, objects, "warning", "1.31")


@pytest.fixture(scope="session")
def sarif_schema_path() -> Path:
    """The OASIS SARIF 2.1.0 schema, carried in tests/data (its source is in tests/data/README.md)."""
    return Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
