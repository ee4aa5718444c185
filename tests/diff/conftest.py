"""Fixtures for the diff tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from diff_support import REPO


@pytest.fixture
def repo_cwd(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in the repository root, so source names in output are relative and stable."""
    monkeypatch.chdir(REPO)
    return REPO
