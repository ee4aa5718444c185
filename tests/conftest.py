"""Shared test helpers: where the repository and its slice of real manifests are."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
# Real manifests from five upstream repositories, carried in the repository (see its SOURCES.md).
CORPUS = REPO / "fixtures" / "corpus"

# Hypothesis profiles: `default` fits CI's budget; `pytest --hypothesis-profile=long`
# goes deeper (tests that set max_examples themselves scale it from the profile:
# see tests/hardening/support.py).
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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files from the current output (review the diff before committing).",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
