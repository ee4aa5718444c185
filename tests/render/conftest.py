"""Fixtures for the render tests (--update-golden and update_golden come from tests/conftest.py)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable

import pytest
from click.testing import CliRunner

from kgen.cli import run


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


Kgen = Callable[..., Outcome]


@pytest.fixture
def kgen() -> Kgen:
    """Run ``kgen ARGS`` in-process through the CLI's error wrapper, streams captured."""

    def invoke(*args: str) -> Outcome:
        runner = CliRunner()
        with runner.isolation() as (out, err, _):
            code = run(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
        return Outcome(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))

    return invoke
