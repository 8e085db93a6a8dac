"""Is a service open now? Computed in the service's own named time zone, so daylight saving comes for free."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from portal.directory.schema import DAYS, Hours


class OpenState(StrEnum):
    """What the page may say: open now, closed now, or nothing (unknown)."""

    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


def open_state(hours: Hours, now: datetime) -> OpenState:
    """Open, closed or unknown at the instant `now` (timezone-aware; callers pass the clock in).

    24/7 is always open. Unknown hours are never open. Weekly hours are compared on the wall clock of the
    service's zone (America/St_Johns keeps its half hour, DST days have 23 or 25 hours). When the days are
    unknown the service may be open during its hours on any day, so it is "unknown" then and "closed" outside them.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("open_state needs a timezone-aware instant")
    machine = hours.machine
    if machine == "24/7":
        return OpenState.OPEN
    if machine is None:
        return OpenState.UNKNOWN
    local = now.astimezone(machine.zone)
    clock = local.time().replace(tzinfo=None)
    within = machine.open_time <= clock and (machine.close_time is None or clock < machine.close_time)
    if machine.days is None:
        return OpenState.UNKNOWN if within else OpenState.CLOSED
    today = DAYS[local.weekday()]
    return OpenState.OPEN if within and today in machine.days else OpenState.CLOSED
