"""CronJob schedule and time zone, as batch/validation checks them at create."""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Mapping
from typing import Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import refused, validates
from kgen.check.validation.formats import quoted as q
from kgen.check.validation.cron import CronError, parse_schedule
from kgen.model.kubeschema import release

#: From 1.29 a new CronJob may not carry TZ= or CRON_TZ= in its schedule; before, only not with timeZone.
TZ_IN_SCHEDULE_REFUSED_FROM = (1, 29)

# One part of a zone name, as batch/validation allows it (IANA naming rules, digits and '+' tolerated).
_ZONE_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}\Z")


@validates("CronJob")
def cron_schedule(target: Target, ctx: Context) -> Iterator[Violation]:
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping):
        return
    schedule = spec.get("schedule")
    time_zone = spec.get("timeZone")
    at = ("spec", "schedule")
    if isinstance(schedule, str):
        if not schedule:
            yield refused(at, "Required value")
        else:
            try:
                parse_schedule(schedule, zone_exists)
            except CronError as error:
                yield refused(at, f"invalid cron schedule {q(schedule)}: {error}")
            if "TZ" in schedule:
                if release(ctx.kubernetes_version) >= TZ_IN_SCHEDULE_REFUSED_FROM:
                    yield refused(at, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead "
                                      f"(refused at create from Kubernetes 1.29; target {ctx.kubernetes_version})")
                elif time_zone is not None:
                    yield refused(at, "cannot use both timeZone field and TZ or CRON_TZ in schedule")
    if isinstance(time_zone, str):
        problem = time_zone_problem(time_zone)
        if problem:
            yield refused(("spec", "timeZone"), problem)


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


