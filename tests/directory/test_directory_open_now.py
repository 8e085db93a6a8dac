"""'Open now' with the clock frozen by injection: weekday and weekend, before and after hours, the days daylight
saving starts and ends in Toronto (2027-03-14, 2027-11-07), Newfoundland's half-hour zone, 24/7 and unknown."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from portal.config import ROOT
from portal.directory.hours import OpenState, open_state
from portal.directory.loader import load_directory
from portal.directory.schema import Hours

OPEN, CLOSED, UNKNOWN = OpenState.OPEN, OpenState.CLOSED, OpenState.UNKNOWN
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
EVERY_DAY = [*WEEKDAYS, "sat", "sun"]


def weekly(tz: str, open_: str, close: str, days: list[str] | None) -> Hours:
    return Hours.model_validate({"text": "", "machine": {"tz": tz, "open": open_, "close": close, "days": days}})


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


TORONTO_OFFICE = weekly("America/Toronto", "09:00", "17:00", WEEKDAYS)
TORONTO_DAILY = weekly("America/Toronto", "08:00", "17:00", EVERY_DAY)
TORONTO_NIGHT = weekly("America/Toronto", "01:00", "02:00", EVERY_DAY)
TORONTO_EVENING = weekly("America/Toronto", "16:00", "24:00", EVERY_DAY)
VANCOUVER_OFFICE = weekly("America/Vancouver", "09:00", "17:00", WEEKDAYS)
ST_JOHNS_OFFICE = weekly("America/St_Johns", "09:00", "17:00", WEEKDAYS)
DAYS_UNKNOWN = weekly("America/Toronto", "08:30", "16:30", None)
ALWAYS = Hours.model_validate({"text": "24/7", "machine": "24/7"})
UNKNOWN_HOURS = Hours.model_validate({"text": "Business hours", "machine": None})

CASES = [
    # Weekday office hours in Toronto (winter, EST = UTC-5); the opening minute counts, the closing one does not.
    ("Wed 08:59 EST, before hours", TORONTO_OFFICE, utc(2027, 1, 13, 13, 59), CLOSED),
    ("Wed 09:00 EST, opening minute", TORONTO_OFFICE, utc(2027, 1, 13, 14, 0), OPEN),
    ("Wed 16:59 EST", TORONTO_OFFICE, utc(2027, 1, 13, 21, 59), OPEN),
    ("Wed 17:00 EST, after hours", TORONTO_OFFICE, utc(2027, 1, 13, 22, 0), CLOSED),
    ("Sat 10:00 EST, weekend", TORONTO_OFFICE, utc(2027, 1, 16, 15, 0), CLOSED),
    ("Sun 12:00 EST, weekend", TORONTO_OFFICE, utc(2027, 1, 17, 17, 0), CLOSED),
    ("Mon 10:00 EST", TORONTO_OFFICE, utc(2027, 1, 18, 15, 0), OPEN),
    # The day is the service's, not UTC's: Friday 16:30 in Vancouver is already Saturday in UTC.
    ("Fri 16:30 PST = Sat 00:30 UTC", VANCOUVER_OFFICE, utc(2027, 1, 16, 0, 30), OPEN),
    ("Fri 17:30 PST = Sat 01:30 UTC", VANCOUVER_OFFICE, utc(2027, 1, 16, 1, 30), CLOSED),
    ("Mon 08:30 PST = Mon 16:30 UTC", VANCOUVER_OFFICE, utc(2027, 1, 18, 16, 30), CLOSED),
    # Daylight saving starts Sunday 2027-03-14 at 02:00 in Toronto: the same UTC time is an hour later locally.
    ("Sat 2027-03-13 07:30 EST", TORONTO_DAILY, utc(2027, 3, 13, 12, 30), CLOSED),
    ("Sun 2027-03-14 07:30 EDT", TORONTO_DAILY, utc(2027, 3, 14, 11, 30), CLOSED),
    ("Sun 2027-03-14 08:30 EDT (07:30 if DST were ignored)", TORONTO_DAILY, utc(2027, 3, 14, 12, 30), OPEN),
    ("Sun 2027-03-14 16:30 EDT", TORONTO_DAILY, utc(2027, 3, 14, 20, 30), OPEN),
    ("Sun 2027-03-14 17:30 EDT (16:30 if DST were ignored)", TORONTO_DAILY, utc(2027, 3, 14, 21, 30), CLOSED),
    # Daylight saving ends Sunday 2027-11-07 at 02:00 in Toronto: 01:00-02:00 happens twice.
    ("Sat 2027-11-06 08:30 EDT", TORONTO_DAILY, utc(2027, 11, 6, 12, 30), OPEN),
    ("Sun 2027-11-07 07:30 EST (08:30 if DST were ignored)", TORONTO_DAILY, utc(2027, 11, 7, 12, 30), CLOSED),
    ("Sun 2027-11-07 08:00 EST", TORONTO_DAILY, utc(2027, 11, 7, 13, 0), OPEN),
    ("Sun 2027-11-07 17:00 EST", TORONTO_DAILY, utc(2027, 11, 7, 22, 0), CLOSED),
    ("Sun 2027-11-07 01:30 EDT, first time", TORONTO_NIGHT, utc(2027, 11, 7, 5, 30), OPEN),
    ("Sun 2027-11-07 01:30 EST, second time", TORONTO_NIGHT, utc(2027, 11, 7, 6, 30), OPEN),
    ("Sun 2027-11-07 02:30 EST", TORONTO_NIGHT, utc(2027, 11, 7, 7, 30), CLOSED),
    # Newfoundland: UTC-3:30 in winter, UTC-2:30 in summer.
    ("Wed 08:59 NST", ST_JOHNS_OFFICE, utc(2027, 1, 13, 12, 29), CLOSED),
    ("Wed 09:00 NST", ST_JOHNS_OFFICE, utc(2027, 1, 13, 12, 30), OPEN),
    ("Wed 16:59 NST", ST_JOHNS_OFFICE, utc(2027, 1, 13, 20, 29), OPEN),
    ("Wed 17:00 NST", ST_JOHNS_OFFICE, utc(2027, 1, 13, 20, 30), CLOSED),
    ("Wed 08:59 NDT", ST_JOHNS_OFFICE, utc(2027, 7, 14, 11, 29), CLOSED),
    ("Wed 09:00 NDT", ST_JOHNS_OFFICE, utc(2027, 7, 14, 11, 30), OPEN),
    ("Sat 10:00 NST, weekend", ST_JOHNS_OFFICE, utc(2027, 1, 16, 13, 30), CLOSED),
    # Closing at 24:00 means the end of the day.
    ("Wed 23:59 EST", TORONTO_EVENING, utc(2027, 1, 14, 4, 59), OPEN),
    ("Thu 00:00 EST", TORONTO_EVENING, utc(2027, 1, 14, 5, 0), CLOSED),
    # Days unknown: never open; outside its hours it is closed whatever the day.
    ("days unknown, Wed 09:00 EST", DAYS_UNKNOWN, utc(2027, 1, 13, 14, 0), UNKNOWN),
    ("days unknown, Sat 10:00 EST", DAYS_UNKNOWN, utc(2027, 1, 16, 15, 0), UNKNOWN),
    ("days unknown, Wed 03:00 EST", DAYS_UNKNOWN, utc(2027, 1, 13, 8, 0), CLOSED),
]


@pytest.mark.parametrize(("hours", "now", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_weekly_hours_in_the_services_own_zone(hours, now, expected):
    assert open_state(hours, now) is expected


INSTANTS = sorted({case[2] for case in CASES})


@pytest.mark.parametrize("now", INSTANTS, ids=[instant.isoformat() for instant in INSTANTS])
def test_a_24_7_line_is_always_open_and_unknown_hours_never_are(now):
    assert open_state(ALWAYS, now) is OPEN
    assert open_state(UNKNOWN_HOURS, now) is UNKNOWN


def test_the_same_instant_in_another_zone_gives_the_same_answer():
    from zoneinfo import ZoneInfo

    instant = utc(2027, 3, 14, 12, 30)
    assert open_state(TORONTO_DAILY, instant.astimezone(ZoneInfo("Asia/Tokyo"))) is OPEN


def test_a_naive_clock_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        open_state(TORONTO_OFFICE, datetime(2027, 1, 13, 10, 0))


@pytest.mark.parametrize(("service_id", "now", "expected"), [
    ("988-suicide-crisis-helpline", utc(2027, 1, 16, 8, 0), OPEN),          # Saturday 03:00 ET
    ("on-paro-helpline", utc(2027, 1, 16, 8, 0), OPEN),
    ("on-oma-php", utc(2027, 1, 16, 15, 0), CLOSED),                       # Saturday 10:00 ET
    ("on-oma-php", utc(2027, 1, 13, 13, 45), OPEN),                        # Wednesday 08:45 ET
    ("on-oma-php", utc(2027, 1, 13, 13, 44), CLOSED),
    ("cmpa-physician-advisors", utc(2027, 1, 13, 15, 0), UNKNOWN),         # days not stated: never "open"
    ("cmpa-physician-advisors", utc(2027, 1, 13, 23, 0), CLOSED),          # 18:00 ET, after its hours any day
    ("qc-pamq", utc(2027, 1, 13, 15, 0), UNKNOWN),                         # no machine hours
])
def test_the_real_entries(service_id, now, expected):
    directory = load_directory(ROOT / "data" / "directory.yaml")
    assert open_state(directory.get(service_id).hours, now) is expected
