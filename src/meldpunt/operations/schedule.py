"""When a scheduled job is due next: daily at a local wall-clock time, or every N minutes."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAILY = "dagelijks"
INTERVAL = "interval"


def next_run(
    *,
    kind: str,
    after: datetime,
    at_time: time | None = None,
    every_minutes: int | None = None,
    time_zone: str = "Europe/Amsterdam",
) -> datetime:
    """The first moment strictly after ``after`` at which the job is due.

    Daily times are local (Europe/Amsterdam by default), so "07:00" stays 07:00 across the
    change to and from summer time. A time that does not exist on the night clocks go forward
    (02:30 on the last Sunday of March) falls on the same instant as 03:30 that night.
    """
    if kind == INTERVAL:
        if not every_minutes or every_minutes < 1:
            raise ValueError("een interval-taak heeft every_minutes >= 1 nodig")
        return after + timedelta(minutes=every_minutes)
    if kind != DAILY or at_time is None:
        raise ValueError(f"onbekend schema {kind!r} of geen tijd opgegeven")
    zone = ZoneInfo(time_zone)
    local = after.astimezone(zone)
    day = local.date()
    while True:
        # Normalise through UTC: an aware datetime in a DST gap compares by its instant.
        candidate = datetime.combine(day, at_time, tzinfo=zone).astimezone(ZoneInfo("UTC"))
        if candidate > after:
            return candidate
        day += timedelta(days=1)
