"""CronJob schedule and time zone, as batch/validation checks them at create."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Iterator

from kgen.check.api import Context, Target, Violation
from kgen.check.validation import refused, validates
from kgen.check.validation.formats import quoted as q
from kgen.model.cron import CronError, parse_schedule, time_zone_problem, zone_exists
from kgen.model.kubeschema import release

#: From 1.29 a new CronJob may not carry TZ= or CRON_TZ= in its schedule; before, only not with timeZone.
TZ_IN_SCHEDULE_REFUSED_FROM = (1, 29)



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
