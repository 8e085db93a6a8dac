"""Explicit instants for tests. No test rounds "now" to an hour of the day: a session is either an exact distance
from now (`in_days`), or an Eastern wall-clock time on a date far enough ahead that the hour the suite runs at
cannot matter (`eastern_day`). `make test-clock` runs the suite at 10:00 and 22:00 Eastern to prove it."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from portal.extensions import utcnow
from portal.times import EASTERN, eastern_instant


def in_days(days: float, **more) -> datetime:
    """Exactly this long from now (negative: ago): `in_days(3)`, `in_days(0, minutes=-15)`."""
    return utcnow() + timedelta(days=days, **more)


def eastern_day(days: int, at: str = "19:00") -> datetime:
    """`at` (HH:MM, Eastern) on the Eastern date `days` after today's. With days >= 2 it is ahead at any hour."""
    today = utcnow().astimezone(EASTERN).date()
    return eastern_instant(today + timedelta(days=days), time.fromisoformat(at))


def next_date(month: int, day: int, at: str = "19:00") -> datetime:
    """`at` Eastern on the next month/day at least three days away: a winter or a summer date that stays ahead."""
    today = utcnow().astimezone(EASTERN).date()
    for year in (today.year, today.year + 1):
        candidate = eastern_instant(today.replace(year=year, month=month, day=day), time.fromisoformat(at))
        if candidate - utcnow() > timedelta(days=3):
            return candidate
    raise AssertionError("unreachable")
