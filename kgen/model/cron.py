"""Cron schedules as the CronJob API validates them: robfig/cron v3's standard parser.

Five fields (minute, hour, day of month, month, day of week) or a descriptor
(``@hourly``, ``@daily``/``@midnight``, ``@weekly``, ``@monthly``,
``@yearly``/``@annually``, ``@every <Go duration>``), with an optional
``TZ=<zone>`` or ``CRON_TZ=<zone>`` prefix. Each field is a comma-separated
list of ``*``/``?``, a number or name, or a ``low-high`` range, each with an
optional ``/step``; day-of-week runs 0-6 (``7`` is refused), months and days
may be named (``jan``, ``sun``, any case). The errors are worded as the
parser words them, since the API server passes them on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from kgen.model.numbers import atoi, digits_value

_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_EVERY = "@every "


@dataclass(frozen=True)
class _Bounds:
    low: int
    high: int
    names: dict[str, int]


_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DAYS = {name: number for number, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
_FIELDS = (
    _Bounds(0, 59, {}),  # minute
    _Bounds(0, 23, {}),  # hour
    _Bounds(1, 31, {}),  # day of month
    _Bounds(1, 12, _MONTHS),
    _Bounds(0, 6, _DAYS),  # day of week
)

_INT64_MAX = 2**63 - 1


class CronError(ValueError):
    """A schedule the parser refuses; the message is the parser's, ``field`` the one it refused (if one)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


_FIELD_NAMES = ("minute", "hour", "day of month", "month", "day of week")


def parse_schedule(spec: str, zone_exists: Callable[[str], bool]) -> str | None:
    """Check ``spec`` as ``cron.ParseStandard`` does; returns the zone of a TZ=/CRON_TZ= prefix, if any.

    Raises CronError with the parser's message when the schedule is refused.
    """
    if not spec:
        raise CronError("empty spec string")
    zone = None
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        if space == -1:
            raise CronError(f"the time zone prefix {spec!r} is not followed by a schedule")
        zone = spec[spec.index("=") + 1 : space]
        if not zone_exists(zone):
            raise CronError(f"provided bad location {zone}: unknown time zone {zone}")
        spec = spec[space:].strip()
    if spec.startswith("@"):
        _descriptor(spec)
        return zone
    fields = spec.split()
    if len(fields) != len(_FIELDS):
        raise CronError(f"expected exactly {len(_FIELDS)} fields, found {len(fields)}: [{' '.join(fields)}]")
    for text, bounds, name in zip(fields, _FIELDS, _FIELD_NAMES):
        for expr in (part for part in text.split(",") if part):
            try:
                _range(expr, bounds)
            except CronError as error:
                raise CronError(str(error), name) from None
    return zone


def _descriptor(spec: str) -> None:
    if spec in _DESCRIPTORS:
        return
    if spec.startswith(_EVERY):
        try:
            parse_go_duration(spec[len(_EVERY) :])
        except CronError as error:
            raise CronError(f"failed to parse duration {spec}: {error}") from None
        return
    raise CronError(f"unrecognized descriptor: {spec}")


def _range(expr: str, bounds: _Bounds) -> None:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = bounds.low, bounds.high  # what follows a star's hyphen is never read
    else:
        start = _int_or_name(low_and_high[0], bounds.names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], bounds.names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _int(range_and_step[1])
        if len(low_and_high) == 1:
            end = bounds.high  # "N/step" runs from N to the maximum
    elif len(range_and_step) > 2:
        raise CronError(f"too many slashes: {expr}")
    if start < bounds.low:
        raise CronError(f"beginning of range ({start}) below minimum ({bounds.low}): {expr}")
    if end > bounds.high:
        raise CronError(f"end of range ({end}) above maximum ({bounds.high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


def _int_or_name(text: str, names: dict[str, int]) -> int:
    named = names.get(text.lower())
    return named if named is not None else _int(text)


def _int(text: str) -> int:
    number = atoi(text)
    if number is None:
        raise CronError(f"failed to parse int from {text if len(text) <= 40 else text[:30] + '...'}")
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {text}")
    return number


_UNITS = {"ns": 1, "us": 10**3, "\u00b5s": 10**3, "\u03bcs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}
#: Digits of a duration's fraction that can change its nanoseconds (Go ignores the rest).
_FRACTION_DIGITS = 18
_DURATION_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]*)")


def parse_go_duration(text: str) -> int:
    """Nanoseconds of a Go duration (``1h30m``, ``90s``, ``1.5h``), as time.ParseDuration reads it."""
    rest = text[1:] if text[:1] in ("+", "-") else text
    if rest == "0":
        return 0
    if not rest:
        raise CronError(f'time: invalid duration "{text}"')
    total = 0
    while rest:
        part = _DURATION_PART.match(rest)
        assert part is not None  # every group may be empty
        whole, fraction, unit = part.group(1), part.group(2), part.group(3)
        if not whole and not fraction:
            raise CronError(f'time: invalid duration "{text}"')
        if not unit:
            raise CronError(f'time: missing unit in duration "{text}"')
        if unit not in _UNITS:
            raise CronError(f'time: unknown unit "{unit}" in duration "{text}"')
        scale = _UNITS[unit]
        number = digits_value(whole or "0")
        if number is None:
            raise CronError(f'time: invalid duration "{text}"')
        total += number * scale
        fraction = (fraction or "")[:_FRACTION_DIGITS]  # Go stops reading a fraction where it would overflow
        if fraction:
            total += (digits_value(fraction, _FRACTION_DIGITS) or 0) * scale // 10 ** len(fraction)
        if total > _INT64_MAX:
            raise CronError(f'time: invalid duration "{text}"')
        rest = rest[part.end() :]
    return total


# One part of a zone name, as batch/validation allows it (IANA naming rules, digits and '+' tolerated).
_ZONE_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}\Z")


def time_zone_problem(name: str) -> str | None:
    """Why the API server refuses ``name`` as a CronJob's timeZone (None: it accepts it)."""
    if not name:
        return "timeZone must be nil or non-empty string"
    if any(part in (".", "..") or part.startswith("-") or not _ZONE_PART.match(part) for part in name.split("/")):
        return f"unknown time zone {name}"
    if name.lower() == "local":
        return "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
    if not zone_exists(name):
        return f"unknown time zone {name} (not in the IANA time zone database)"
    return None


def zone_exists(name: str) -> bool:
    """Whether Go's time.LoadLocation finds ``name`` (UTC, Local, or a zone of the IANA database)."""
    if name in ("", "UTC", "Local"):
        return True
    zones = _zones()
    return name in zones if zones else True  # no time zone data at all: not judged


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    """The IANA zone names: the tzdata package's list (the same on every machine), else the system's."""
    try:
        from importlib.resources import files

        return frozenset((files("tzdata") / "zones").read_text(encoding="utf-8").split())
    except (ImportError, OSError):
        import zoneinfo

        return frozenset(zoneinfo.available_timezones()) - {"localtime"}


