"""Prometheus durations: what Prometheus accepts, and nothing else."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest

from kgen.model.duration import PATTERN, DurationError, seconds
from kgen.resources import load_schema


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Fraction(0)),
        ("30s", Fraction(30)),
        ("2m", Fraction(120)),
        ("1h30m", Fraction(5400)),
        ("1d", Fraction(86400)),
        ("1w", Fraction(604800)),
        ("1y", Fraction(31536000)),
        ("1500ms", Fraction(3, 2)),
        ("1m30s500ms", Fraction(181, 2)),
        ("90s", Fraction(90)),
    ],
)
def test_durations(text: str, expected: Fraction) -> None:
    assert seconds(text) == expected
    assert re.match(PATTERN, text)


@pytest.mark.parametrize("text", ["", "5 minutes", "1m1h", "1.5h", "5", "-5s", "5S", "1h 30m", "1mm", "30sec"])
def test_not_durations(text: str) -> None:
    with pytest.raises(DurationError, match="is not a duration like 30s, 5m or 1h30m"):
        seconds(text)
    if text:
        assert not re.match(PATTERN, text)


def test_the_schema_spells_the_same_pattern() -> None:
    definition = load_schema("profile.schema.json")["definitions"]["duration"]
    assert definition["pattern"] == PATTERN
    assert definition["minLength"] == 1
    json.dumps(definition)
