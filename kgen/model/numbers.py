"""Numbers written as text, read at a bounded cost.

Python's ``int()`` refuses a string of more than 4,300 digits (a ValueError) and
converts long ones in quadratic time; ``str.isdigit()`` accepts characters such
as ``²`` that ``int()`` then refuses. Every place that turns text from a
manifest, a profile, a flag or a policy into a number goes through here: the
length is checked before anything is converted, and only ASCII digits count.
"""

from __future__ import annotations

import re
from typing import Any

INT32_MAX = 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

#: No int64 needs more digits than this (leading zeros aside); a longer run is refused unread.
_INT64_DIGITS = 19

_DIGITS = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"([+-]?)([0-9]+)")


def is_digits(text: str) -> bool:
    """True when ``text`` is one or more ASCII digits (``"0042"``; not ``"²"``, ``"١"`` or ``"1_0"``)."""
    return _DIGITS.fullmatch(text) is not None


def digits_value(text: str, max_digits: int = _INT64_DIGITS) -> int | None:
    """The value of a run of ASCII digits, or None when it is not one or has more than
    ``max_digits`` significant digits (leading zeros do not count and cost nothing)."""
    if _DIGITS.fullmatch(text) is None:
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > max_digits:
        return None
    return int(significant)


def atoi(text: str) -> int | None:
    """Go's ``strconv.Atoi`` on a 64-bit platform: an optionally signed decimal integer in
    the int64 range, else None (out of range, empty, spaces, underscores, other digits)."""
    match = _SIGNED.fullmatch(text)
    if match is None:
        return None
    value = digits_value(match[2])
    if value is None:
        return None
    value = -value if match[1] == "-" else value
    return value if INT64_MIN <= value <= INT64_MAX else None


def percent(text: str) -> int | None:
    """The number of an int-or-string percentage (``"25%"``: ASCII digits, then ``%``) as the
    API server reads it (``strconv.Atoi``, which saturates: a longer number counts as the
    int64 maximum); None when ``text`` is not a percentage."""
    if not text.endswith("%") or not is_digits(text[:-1]):
        return None
    value = digits_value(text[:-1])
    return INT64_MAX if value is None else min(value, INT64_MAX)


def scaled_value(value: Any, total: int, round_up: bool) -> int | None:
    """``intstr.GetScaledValueFromIntOrPercent``: an integer as it is, a percentage (``"25%"``) as
    that share of ``total``, rounded up or down; None for anything else (validation reports it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    share = percent(value) if isinstance(value, str) else None
    if share is None:
        return None
    whole, rest = divmod(share * total, 100)
    return whole + 1 if round_up and rest else whole
