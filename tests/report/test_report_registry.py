"""The registry and what every reporter promises: text out, same bytes every time."""

from __future__ import annotations

import pytest

from kgen import __version__
from kgen.check.result import CheckResult
from kgen.report import DEFAULT_FORMAT, REPORTERS, ReportOptions

FORMATS = sorted(REPORTERS)


def test_registry_names_every_format() -> None:
    assert FORMATS == ["github", "gitlab", "json", "junit", "sarif", "text"]
    assert DEFAULT_FORMAT in REPORTERS


def test_options_default_to_plain_active_findings_and_the_package_version() -> None:
    assert ReportOptions() == ReportOptions(color=False, show_suppressed=False, tool_version=__version__)


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("show_suppressed", [False, True])
def test_same_result_gives_same_bytes(name: str, show_suppressed: bool, sample: CheckResult) -> None:
    options = ReportOptions(show_suppressed=show_suppressed)
    first = REPORTERS[name](sample, options)
    assert REPORTERS[name](sample, options) == first
    assert first.endswith("\n") and not first.endswith("\n\n")


@pytest.mark.parametrize("name", FORMATS)
def test_no_absolute_paths_or_times_leak_into_the_output(name: str, sample: CheckResult) -> None:
    out = REPORTERS[name](sample, ReportOptions())
    assert "/work" not in out and "/tmp" not in out
    assert "time" not in out.lower()


@pytest.mark.parametrize("name", FORMATS)
def test_suppressed_findings_appear_only_when_asked(name: str, sample: CheckResult) -> None:
    assert "sidecar" not in REPORTERS[name](sample, ReportOptions())
    assert "sidecar" in REPORTERS[name](sample, ReportOptions(show_suppressed=True))
