"""Kubernetes resource quantities (``500m``, ``1Gi``, ``1e3``) as exact numbers."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
_QUANTITY = re.compile(
    r"^(?P<sign>[+-]?)(?P<number>\d+(?:\.\d*)?|\.\d+)"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|[eE](?P<exp>[+-]?\d{1,3})|(?P<decimal>[numkMGTPE]?))$"
)


#: Significant digits kgen reads in a quantity's number. The API server keeps a quantity
#: within int64 and nine decimal places ("numbers larger or more precise will be capped
#: or rounded up"), so no meaningful quantity comes near; a longer one is refused by its
#: length, before any conversion (Python converts long digit strings in quadratic time).
MAX_QUANTITY_DIGITS = 64
#: And at most this many before the point (``1e999`` written out is 1,000).
_MAX_WHOLE_DIGITS = 1100


class QuantityError(ValueError):
    """A value that is not a Kubernetes quantity."""


class QuantityTooLong(QuantityError):
    """A quantity whose number has more significant digits than kgen reads."""


def parse_quantity(value: Any) -> Fraction:
    """The exact value of a quantity; raises QuantityError when it is not one.

    ``parse_quantity("500m") < parse_quantity("1")`` and
    ``parse_quantity("1Gi") > parse_quantity("1000Mi")``.
    """
    if isinstance(value, bool):
        raise QuantityError(f"{value!r} is not a quantity")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise QuantityError(f"{value!r} is not a quantity")
        return Fraction(str(value))
    if not isinstance(value, str):
        raise QuantityError(f"{value!r} is not a quantity")
    match = _QUANTITY.match(value.strip())
    if match is None:
        raise QuantityError(f"{value!r} is not a quantity (like 500m, 1, 256Mi or 1Gi)")
    whole, _, fraction = match["number"].partition(".")
    whole, fraction = whole.lstrip("0"), fraction.rstrip("0")
    digits = (whole + fraction).rstrip("0") if not fraction else whole + fraction
    if len(digits) > MAX_QUANTITY_DIGITS or len(whole) > _MAX_WHOLE_DIGITS:
        raise QuantityTooLong(
            f"a quantity of {len(whole) + len(fraction):,} digits: kgen reads at most {MAX_QUANTITY_DIGITS} "
            f"significant ones (the API server caps a quantity at 2^63-1 and nine decimal places)"
        )
    zeros = len(whole) - len(digits) if not fraction else 0
    number = Fraction(int(digits or "0") * 10**zeros, 10 ** len(fraction))
    if match["sign"] == "-":
        number = -number
    if match["binary"]:
        return number * _BINARY[match["binary"]]
    if match["exp"] is not None:
        return number * Fraction(10) ** int(match["exp"])
    return number * _DECIMAL[match["decimal"] or ""]


def is_quantity(value: Any) -> bool:
    try:
        parse_quantity(value)
    except QuantityError:
        return False
    return True


def format_quantity(value: Fraction, memory: bool) -> str:
    """A compact canonical spelling: memory in binary units, CPU in cores or millicores."""
    if memory:
        for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
            unit = _BINARY[suffix]
            if value >= unit and value % unit == 0:
                return f"{value // unit}{suffix}"
        return str(int(value)) if value.denominator == 1 else str(float(value))
    if value.denominator == 1:
        return str(value.numerator)
    milli = value * 1000
    if milli.denominator == 1:
        return f"{milli.numerator}m"
    return str(float(value))
