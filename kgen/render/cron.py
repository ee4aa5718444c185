"""Cron schedules as Kubernetes reads them (robfig/cron's standard parser).

The schema checks the shape (five fields or a descriptor); this checks the
values, which the API server would otherwise refuse only at apply time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


@dataclass(frozen=True)
class CronField:
    name: str
    low: int
    high: int
    names: dict[str, int]
    question_mark: bool = False


FIELDS = (
    CronField("minute", 0, 59, {}),
    CronField("hour", 0, 23, {}),
    CronField("day of month", 1, 31, {}, question_mark=True),
    CronField("month", 1, 12, {name: i + 1 for i, name in enumerate(_MONTHS)}),
    CronField("day of week", 0, 6, {name: i for i, name in enumerate(_DAYS)}, question_mark=True),
)
DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_ITEM = re.compile(r"^(?P<range>\*|\?|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/(?P<step>[0-9]+))?$")


def schedule_problem(schedule: str) -> str | None:
    """What is wrong with ``schedule``, or None when Kubernetes accepts it."""
    text = schedule.strip()
    if text.startswith("@"):
        return None if text in DESCRIPTORS else f"{text!r} is not a known descriptor"
    parts = text.split()
    if len(parts) != len(FIELDS):
        return f"has {len(parts)} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)"
    for part, field in zip(parts, FIELDS, strict=True):
        for item in part.split(","):
            problem = _item_problem(item, field)
            if problem:
                return f"{field.name} {item!r}: {problem}"
    return None


def _item_problem(item: str, field: CronField) -> str | None:
    match = _ITEM.match(item)
    if match is None:
        return "not a value, a range like 1-5, or * with an optional /step"
    if match["step"] is not None and int(match["step"]) == 0:
        return "a step of 0 never repeats"
    spec = match["range"]
    if spec == "?" and not field.question_mark:
        return "? is only allowed in day of month and day of week"
    if spec in ("*", "?"):
        return None
    low_text, _, high_text = spec.partition("-")
    bounds = [_value(low_text, field)] + ([_value(high_text, field)] if high_text else [])
    for bound, text in zip(bounds, (low_text, high_text)[: len(bounds)], strict=True):
        if bound is None:
            return f"{text!r} is not a number{' or a name' if field.names else ''}"
        if not field.low <= bound <= field.high:
            return f"{bound} is out of range {field.low}-{field.high}"
    if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        return f"the range {spec} runs backwards"
    return None


def _value(text: str, field: CronField) -> int | None:
    if text.isdigit():
        return int(text)
    return field.names.get(text.lower())
