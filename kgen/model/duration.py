"""Prometheus durations (``30s``, ``2m``, ``1h30m``), the form Prometheus, its operator and kgen profiles use.

Units from the largest down, each at most once, integers only (Prometheus' ``model.ParseDuration``):
``y`` (365 days), ``w``, ``d``, ``h``, ``m``, ``s``, ``ms``. ``0`` alone is zero.
"""

from __future__ import annotations

import re
from fractions import Fraction

from kgen.model.numbers import digits_value

_UNITS = (("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1), ("ms", Fraction(1, 1000)))
#: The pattern as the schema spells it (schemas/profile.schema.json ``definitions.duration``).
PATTERN = "^(0|" + "".join(f"([0-9]+{unit})?" for unit, _ in _UNITS) + ")$"
_DURATION = re.compile("^" + "".join(f"(?:(?P<{unit}>[0-9]+){unit})?" for unit, _ in _UNITS) + "$")


class DurationError(ValueError):
    """A text that is not a Prometheus duration."""


def seconds(text: str) -> Fraction:
    """The length of ``text`` in seconds, exactly; DurationError when it is not a duration."""
    if text == "0":
        return Fraction(0)
    match = _DURATION.match(text)
    if not text or match is None:
        raise DurationError(f"{text!r} is not a duration like 30s, 5m or 1h30m")
    counts = [(digits_value(match[unit]), size) for unit, size in _UNITS if match[unit]]
    if any(count is None for count, _ in counts):  # Prometheus reads each number as an int64
        raise DurationError(f"{text[:40]!r} is out of range: a duration's numbers fit in 64 bits")
    return sum(((count or 0) * Fraction(size) for count, size in counts), Fraction(0))
