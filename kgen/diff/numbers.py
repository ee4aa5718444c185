"""Integers written as text (``"3"``, the ``25`` of ``"25%"``), read without Python's int-string limit.

Kubernetes integer fields are 32 or 64 bits wide; a longer digit string is no
number the API server accepts (and Python refuses to convert one of more than
4,300 digits), so it is read as no number at all.
"""

from __future__ import annotations

import re

#: ASCII digits only (``str.isdigit`` also takes ``²`` and other digits ``int`` refuses).
_DIGITS = re.compile(r"[0-9]{1,20}")


def digits_value(text: str) -> int | None:
    """The value of a string of at most 20 ASCII digits (every 64-bit integer fits); None otherwise."""
    return int(text) if _DIGITS.fullmatch(text) else None


def percent_value(value: object) -> int | None:
    """The number of an IntOrString percentage (``"25%"`` -> 25); None when it is not one."""
    if isinstance(value, str) and value.endswith("%"):
        return digits_value(value[:-1])
    return None
