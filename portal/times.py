"""Time: the programme runs on Eastern Time; members see their own province's time beside it.

Instants are stored in UTC. Staff, the demo and tests name a session's start as an Eastern wall-clock time, and
`eastern_instant()` is the one place that turns it into an instant. Its rule for the hours daylight saving makes
odd, each first Sunday of November and second Sunday of March:
- the repeated hour (01:00-01:59 happens twice in November): `fold=0`, the default, is the first one (EDT, UTC-4),
  `fold=1` the second (EST, UTC-5); `wall_time_problem()` says "repeated" so a form can ask which is meant;
- the skipped hour (02:00-02:59 does not exist in March): `wall_time_problem()` says "skipped", and
  `eastern_instant()` refuses it rather than guess.

English times are Babel's for en_CA (`7:00 p.m. ET`). French times follow the Bureau de la traduction and the OQLF,
which Babel's fr_CA pattern (`19 h 00`) does not: `19 h`, `8 h 30`, `0 h`, a range `de 20 h à 21 h (HA)` (an end
at midnight reads `minuit`), with a date `le lundi 7 décembre 2026 à 19 h (HE)`; the zone is named once, in
brackets, and non-breaking spaces keep `19 h`, `8 h 30` and `(HE)` from breaking across lines. The zone's short name
is in the page's language (ET / HE, NT / HT...), which Babel gives for every Canadian zone but Yukon's.
"""
from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name

EASTERN = ZoneInfo("America/Toronto")
NBSP = "\u00a0"
BABEL_LOCALES = {"en": "en_CA", "fr": "fr_CA"}

# Each province's most populous zone; Nunavut's capital is on Eastern Time.
PROVINCE_ZONES = {
    "AB": "America/Edmonton", "BC": "America/Vancouver", "MB": "America/Winnipeg", "NB": "America/Moncton",
    "NL": "America/St_Johns", "NS": "America/Halifax", "NT": "America/Yellowknife", "NU": "America/Iqaluit",
    "ON": "America/Toronto", "PE": "America/Halifax", "QC": "America/Toronto", "SK": "America/Regina",
    "YT": "America/Whitehorse",
}

# Yukon keeps UTC-7 all year since 2020; Babel names the zone after the city. Canadians say Mountain Time.
_LABEL_OVERRIDES = {"America/Whitehorse": {"en": "MT", "fr": "HR"}}


class NonexistentTime(ValueError):
    """An Eastern wall-clock time that the spring change of daylight saving skips."""


# Days a visitor may ask about (filters, ranges): far enough for any real use, and far from date.max, so that a
# day plus a margin (the end of a range, a time zone) can never overflow. Anything else is refused when parsed.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD day between FIRST_DAY and LAST_DAY, or None for anything else (a bad or out-of-range date)."""
    text = (value or "").strip()
    if len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def wall_time_problem(local: datetime) -> str | None:
    """For a naive Eastern wall-clock time: "repeated" (happens twice), "skipped" (never happens) or None."""
    first, second = (local.replace(tzinfo=EASTERN, fold=fold) for fold in (0, 1))
    if first.utcoffset() == second.utcoffset():
        return None
    # In the repeated hour the first reading is daylight time (the larger offset); in the skipped one, standard.
    return "repeated" if first.utcoffset() > second.utcoffset() else "skipped"


def eastern_instant(day: date, at: time, *, fold: int = 0) -> datetime:
    """The instant of an Eastern wall-clock time on a date (see the module's rule for daylight saving)."""
    local = datetime.combine(day, at.replace(tzinfo=None))
    if wall_time_problem(local) == "skipped":
        raise NonexistentTime(f"{local:%Y-%m-%d %H:%M} does not exist in Eastern Time (daylight saving starts)")
    return local.replace(tzinfo=EASTERN, fold=fold)


def zone_for(province: str | None) -> ZoneInfo:
    """The zone a member in this province sees times in (Eastern when unknown)."""
    return ZoneInfo(PROVINCE_ZONES.get(province or "", "America/Toronto"))


@lru_cache(maxsize=64)
def _label(zone_key: str, lang: str) -> str:
    if zone_key in _LABEL_OVERRIDES:
        return _LABEL_OVERRIDES[zone_key][lang]
    return get_timezone_name(ZoneInfo(zone_key), "short", locale=BABEL_LOCALES[lang], zone_variant="generic")


def zone_label(zone: tzinfo, lang: str) -> str:
    """The zone's short name in a language: ET / HE, NT / HT, PT / HP..."""
    return _label(str(zone), lang)


def other_than_eastern(zone: tzinfo | None, lang: str) -> bool:
    """Whether a viewer in `zone` reads times differently from Eastern Time (None: a visitor, who sees Eastern)."""
    return zone is not None and zone_label(zone, lang) != zone_label(EASTERN, lang)


def french_clock(at: time, *, ends: bool = False) -> str:
    """A time of day in French: "19 h", "8 h 30", "0 h"; the end of a range at midnight is "minuit"."""
    if ends and (at.hour, at.minute) == (0, 0):
        return "minuit"
    return f"{at.hour}{NBSP}h{NBSP}{at.minute:02d}" if at.minute else f"{at.hour}{NBSP}h"


def clock(at: time, lang: str, *, ends: bool = False) -> str:
    """A time of day without a zone: "7:00 p.m." / "19 h"."""
    if lang == "fr":
        return french_clock(at, ends=ends)
    return format_time(at, "short", locale=BABEL_LOCALES[lang])


def _with_zone(text: str, zone: tzinfo, lang: str) -> str:
    label = zone_label(zone, lang)
    return f"{text}{NBSP}({label})" if lang == "fr" else f"{text} {label}"


def format_session_time(value: datetime, lang: str, zone: tzinfo = EASTERN) -> str:
    """"7:00 p.m. ET" / "19 h (HE)" in the given zone."""
    return _with_zone(clock(value.astimezone(zone).time(), lang), zone, lang)


def format_time_range(starts: datetime, ends: datetime, lang: str, zone: tzinfo = EASTERN) -> str:
    """"7:00 p.m. to 8:30 p.m. ET" / "de 19 h à 20 h 30 (HE)": the zone named once."""
    first = clock(starts.astimezone(zone).time(), lang)
    last = clock(ends.astimezone(zone).time(), lang, ends=True)
    if lang == "fr":
        return _with_zone(f"de {first} à {last}", zone, lang)
    return _with_zone(f"{first} to {last}", zone, lang)


def format_session_date(value: datetime, lang: str, zone: tzinfo = EASTERN, style: str = "full") -> str:
    """"Wednesday, February 1, 2023" / "mercredi 1 février 2023" in the given zone."""
    return format_date(value.astimezone(zone), style, locale=BABEL_LOCALES[lang])


def format_moment(value: datetime, lang: str, zone: tzinfo = EASTERN, style: str = "full", *,
                  article: bool = True) -> str:
    """A date and time: "Monday, December 7, 2026, 7:00 p.m. ET" / "le lundi 7 décembre 2026 à 19 h (HE)"
    (`article=False` for a table cell: "7 déc. 2026 à 19 h (HE)")."""
    day = format_session_date(value, lang, zone, style)
    if lang == "fr":
        return f"{'le ' if article else ''}{day} à {format_session_time(value, lang, zone)}"
    return f"{day}, {format_session_time(value, lang, zone)}"


def format_span(starts: datetime, ends: datetime, lang: str, zone: tzinfo = EASTERN, style: str = "full") -> str:
    """A date and a range: "Monday, December 7, 2026, 7:00 p.m. to 8:30 p.m. ET" /
    "le lundi 7 décembre 2026, de 19 h à 20 h 30 (HE)"."""
    day = format_session_date(starts, lang, zone, style)
    if lang == "fr":
        return f"le {day}, {format_time_range(starts, ends, lang, zone)}"
    return f"{day}, {format_time_range(starts, ends, lang, zone)}"


def format_in_zone(value: datetime, lang: str, zone: tzinfo, *, beside: tzinfo, date_style: str) -> str:
    """The time in `zone`, preceded by its date when that date differs from the date in `beside`: the one rule for
    showing a time next to another zone's ("Jan. 16, 2027, 12:30 a.m. NT" beside 11 p.m. ET)."""
    if value.astimezone(zone).date() != value.astimezone(beside).date():
        return format_moment(value, lang, zone, date_style)
    return format_session_time(value, lang, zone)


def format_time_beside_eastern(value: datetime, lang: str, zone: tzinfo | None, *, with_date: bool = False) -> str:
    """"7:00 p.m. ET (8:30 p.m. NT)" / "19 h (HE), soit 20 h 30 (HT)": Eastern Time, then the viewer's zone when
    its clock reads differently (with that zone's date when the day differs too). `zone` None (a visitor who is
    not signed in) gives Eastern only. `with_date` puts the Eastern date first ("le lundi 7 décembre 2026 à ...")."""
    eastern = format_moment(value, lang) if with_date else format_session_time(value, lang)
    if not other_than_eastern(zone, lang):
        return eastern
    other = format_in_zone(value, lang, zone, beside=EASTERN, date_style="medium")
    return f"{eastern}, soit {other}" if lang == "fr" else f"{eastern} ({other})"
