"""French times (issue 15, Bureau de la traduction / OQLF): "19 h", "8 h 30", "de 20 h à 21 h (HA)",
"le 7 décembre 2026 à 19 h (HE)", midnight, and the zone named once. Babel's fr_CA pattern gives "19 h 00"."""
from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.times import (EASTERN, clock, format_moment, format_session_time, format_span, format_time_beside_eastern,
                          format_time_range, french_clock)

NB = "\u00a0"
HALIFAX = ZoneInfo("America/Halifax")
ST_JOHNS = ZoneInfo("America/St_Johns")
# 2026-12-08 00:00 UTC is Monday, December 7, 2026, 19:00 in Toronto (EST) and 20:00 in Halifax (AST).
EVENING = datetime(2026, 12, 8, 0, 0, tzinfo=timezone.utc)


def fr(text: str) -> str:
    """Write expectations with '~' for the no-break space."""
    return text.replace("~", NB)


@pytest.mark.parametrize(("at", "expected"), [
    (time(19, 0), "19~h"),        # o'clock: no ":00", no "00"
    (time(8, 30), "8~h~30"),      # half past: no leading zero on the hour
    (time(8, 5), "8~h~05"),       # minutes keep two digits
    (time(0, 0), "0~h"),          # midnight as a start
    (time(12, 0), "12~h"),
])
def test_french_clock(at, expected):
    assert french_clock(at) == fr(expected)
    assert clock(at, "fr") == fr(expected)
    assert "h 00" not in french_clock(at) and not french_clock(at).startswith("0" + "8")


def test_a_range_ending_at_midnight_says_minuit():
    assert french_clock(time(0, 0), ends=True) == "minuit"
    late = datetime(2026, 12, 8, 4, 0, tzinfo=timezone.utc)  # 23:00 EST
    assert format_time_range(late, late.replace(hour=5), "fr") == fr("de 23~h à minuit~(HE)")


def test_a_time_with_its_zone():
    assert format_session_time(EVENING, "fr") == fr("19~h~(HE)")
    assert format_session_time(EVENING.replace(minute=30), "fr", ST_JOHNS) == fr("21~h~(HT)")
    assert format_session_time(EVENING, "en").replace("\u202f", " ") == "7:00 p.m. ET"


def test_a_range_names_the_zone_once():
    ends = EVENING.replace(hour=1)
    text = format_time_range(EVENING, ends, "fr", HALIFAX)
    assert text == fr("de 20~h à 21~h~(HA)")
    assert text.count("HA") == 1
    assert format_time_range(EVENING, ends, "en").replace("\u202f", " ") == "7:00 p.m. to 8:00 p.m. ET"


def test_a_date_and_time():
    assert format_moment(EVENING, "fr", EASTERN, "long") == fr("le 7 décembre 2026 à 19~h~(HE)")
    assert format_moment(EVENING, "fr") == fr("le lundi 7 décembre 2026 à 19~h~(HE)")
    assert format_moment(EVENING, "fr", EASTERN, "long", article=False) == fr("7 décembre 2026 à 19~h~(HE)")
    span = format_span(EVENING, EVENING.replace(hour=1, minute=30), "fr")
    assert span == fr("le lundi 7 décembre 2026, de 19~h à 20~h~30~(HE)")
    assert span.count("HE") == 1


def test_beside_eastern_in_french():
    assert format_time_beside_eastern(EVENING, "fr", ST_JOHNS) == fr("19~h~(HE), soit 20~h~30~(HT)")
    assert format_time_beside_eastern(EVENING, "fr", None) == fr("19~h~(HE)")
    late = datetime(2026, 12, 8, 4, 0, tzinfo=timezone.utc)  # 23:00 in Toronto, already Tuesday 00:30 in St. John's
    assert format_time_beside_eastern(late, "fr", ST_JOHNS) == fr("23~h~(HE), soit le 8 déc. 2026 à 0~h~30~(HT)")
