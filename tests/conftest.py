"""Shared test helpers: where the repository and its slice of real manifests are."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
# Real manifests from five upstream repositories, carried in the repository (see its SOURCES.md).
CORPUS = REPO / "fixtures" / "corpus"

# Hypothesis profiles: `default` fits CI's budget; `pytest --long` (or
# `--hypothesis-profile=long`) goes deeper (tests that set max_examples themselves scale
# it from the profile: see tests/hardening/support.py).
settings.register_profile(
    "default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long",
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("default")  # the plugin loads --hypothesis-profile's choice after this


def examples(n: int) -> int:
    """``n`` examples under the default profile, twenty times as many under ``long`` (``--long``)."""
    return max(1, n * settings().max_examples // 100)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help="Also collect the long fuzzing and timing runs (marked `long`; CI runs them nightly) "
        "and use the long Hypothesis profile.",
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files from the current output (review the diff before committing).",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "long: a long fuzzing or timing run, collected only with --long (a short variant runs by default)"
    )
    if config.getoption("--long") and not config.getoption("--hypothesis-profile", default=None):
        settings.load_profile("long")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without --long, the long runs are deselected (not skipped): they are not part of the quick suite."""
    if config.getoption("--long"):
        return
    long_runs = [item for item in items if item.get_closest_marker("long")]
    if long_runs:
        config.hook.pytest_deselected(items=long_runs)
        items[:] = [item for item in items if not item.get_closest_marker("long")]
