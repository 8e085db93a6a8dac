"""The directory file's schema, inspired by the Human Services Data Specification (HSDS).

The file is validated once at start-up (portal.directory.loader). Any entry that breaks a rule stops the app with
a message naming the entry and the field: a crisis page with a wrong or unsourced phone number is worse than a
failed deployment.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, StrictBool, Tag, ValidationInfo,
                      field_validator, model_validator)

from portal.i18n import PROVINCES

NATIONAL = "national"
PROVINCE_CODES = tuple(PROVINCES)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PURPOSES = ("emergency", "crisis_line", "physician_health", "medico_legal", "peer_support", "none_found")
# The first lines of the page are built from these two entries, so the file must hold them.
EMERGENCY_ID = "emergency-911"
CRISIS_LINE_ID = "988-suicide-crisis-helpline"
# Numbers set by regulation (CRTC): shown as "Official national number", not with the staff-verification caution.
OFFICIAL_NUMBER_IDS = (EMERGENCY_ID, CRISIS_LINE_ID)

_PHONE = re.compile(r"^(?:\d{3}|\d{5,6}|(?:1-)?\d{3}-\d{3}-\d{4})$")
_CLOCK = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_WEBSITE = re.compile(r"^https?://[^\s/]+\.[^\s/]+(?:/\S*)?$")
_LANGUAGE_CODES = frozenset(Locale("en").languages)


def _yaml_text(value: Any) -> Any:
    """YAML 1.1 turns ON into true, 988 into a number and 9:30 into 570: insist on quotes instead of guessing."""
    if isinstance(value, (bool, int, float)):
        raise ValueError(f"YAML read this value as {value!r} ({type(value).__name__}), not as text: "
                         "put it in quotes, e.g. 'ON', '988', '09:30'")
    return value


Text = Annotated[str, BeforeValidator(_yaml_text)]
Required = Annotated[str, BeforeValidator(_yaml_text), Field(min_length=1)]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Record(BaseModel):
    """Unknown keys are errors: a typo such as `phone:` for `phones:` must not silently drop a number."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Phone(_Record):
    """A number to call (voice, tollfree) or to text, as written by the source."""

    number: Text
    kind: Literal["voice", "text", "tollfree"]
    note: Text = ""
    note_fr: Text = ""

    @field_validator("number")
    @classmethod
    def _shape(cls, value: str) -> str:
        if not _PHONE.match(value):
            raise ValueError("write the number as 911, 686868, 604-398-4300 or 1-800-663-6729")
        return value

    @property
    def digits(self) -> str:
        """Only the digits, for tel: and sms: links."""
        return dialable(self.number)


def dialable(number: str) -> str:
    """Digits of a phone number; ten- and eleven-digit North American numbers become +1 numbers."""
    digits = re.sub(r"\D", "", number)
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return digits


class WeeklyHours(_Record):
    """Opening hours in the service's own named time zone. `days: null` means the days are unknown."""

    tz: Text
    open: Text
    close: Text
    days: list[Day] | None

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name, e.g. America/Toronto or America/St_Johns") from None
        return value

    @field_validator("open", "close")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not (_CLOCK.match(value) or value == "24:00"):
            raise ValueError(f"{value!r} is not a time written HH:MM (00:00 to 23:59; 24:00 may close the day)")
        return value

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and (not value or len(set(value)) != len(value)):
            raise ValueError("list each day once (mon..sun), or write null when the days are unknown")
        return value

    @model_validator(mode="after")
    def _opens_before_closing(self) -> WeeklyHours:
        if self.open == "24:00" or self.open_time >= (self.close_time or time.max):
            raise ValueError(f"opens at {self.open} but closes at {self.close}: the opening must come first")
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The service's time zone."""
        return ZoneInfo(self.tz)

    @property
    def open_time(self) -> time:
        """The opening time of day."""
        return time.fromisoformat(self.open)

    @property
    def close_time(self) -> time | None:
        """The closing time of day; None when it closes at the end of the day (24:00)."""
        return None if self.close == "24:00" else time.fromisoformat(self.close)


def _machine_kind(value: Any) -> str:
    return "weekly" if isinstance(value, (dict, WeeklyHours)) else "always"


class Hours(_Record):
    """Hours in the source's words, and in machine form: "24/7", null (unknown) or weekly hours."""

    text: Text = ""
    text_fr: Text = ""
    machine: Annotated[Annotated[Literal["24/7"], Tag("always")] | Annotated[WeeklyHours, Tag("weekly")],
                       Discriminator(_machine_kind)] | None

    @field_validator("machine", mode="before")
    @classmethod
    def _machine_form(cls, value: Any) -> Any:
        if value is None or value == "24/7" or isinstance(value, dict):
            return value
        raise ValueError(f'{value!r}: write "24/7", null, or {{tz, open, close, days}}')

    @property
    def known(self) -> bool:
        """True when there is anything to say about the hours."""
        return bool(self.text.strip()) or self.machine is not None


class Language(_Record):
    """A language served: an ISO 639 code, with an optional note; or only a note (free text)."""

    code: Text | None = None
    note: Text = ""
    note_fr: Text = ""

    @model_validator(mode="before")
    @classmethod
    def _from_code(cls, value: Any) -> Any:
        return {"code": value} if isinstance(value, str) else value

    @field_validator("code")
    @classmethod
    def _known_code(cls, value: str | None) -> str | None:
        if value is not None and value not in _LANGUAGE_CODES:
            raise ValueError(f"{value!r} is not a language code (en, fr, cr, iu...); "
                             "use {note: ...} for anything else")
        return value

    @model_validator(mode="after")
    def _says_something(self) -> Language:
        if self.code is None and not self.note.strip():
            raise ValueError("give a language code, a note, or both")
        return self


class Organization(_Record):
    """Who runs the service, when the service's name does not already say it."""

    name_en: Required
    name_fr: Text = ""


def _plain_date(value: Any) -> Any:
    if isinstance(value, datetime):
        raise ValueError("write a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, (int, float, bool)):
        raise ValueError("write the date as YYYY-MM-DD")
    return value


class Service(_Record):
    """One entry of the directory: a service, where it applies, how to reach it, and how sure we are."""

    id: Required
    name_en: Required
    name_fr: Text = ""
    purpose: Literal["emergency", "crisis_line", "physician_health", "medico_legal", "peer_support", "none_found"]
    regulator_link: StrictBool = False
    call_back: StrictBool = False
    organization: Organization | None = None
    scope: list[Text] = Field(min_length=1)
    phones: list[Phone] = []
    website: Text = ""
    hours: Hours
    languages: list[Language] = []
    eligibility: Text = ""
    eligibility_fr: Text = ""
    sources: Annotated[list[Required], Field(validate_default=True)] = []
    confidence: Literal["high", "medium", "low"]
    notes: Text = ""
    display: StrictBool
    verified_on: Annotated[date | None, BeforeValidator(_plain_date)]

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use lower-case letters, digits and hyphens, e.g. on-oma-php")
        return value

    @field_validator("scope")
    @classmethod
    def _known_scope(cls, value: list[str]) -> list[str]:
        unknown = [item for item in value if item != NATIONAL and item not in PROVINCE_CODES]
        if unknown:
            raise ValueError(f"{', '.join(map(repr, unknown))}: use 'national' or one of {', '.join(PROVINCE_CODES)}")
        if NATIONAL in value and len(value) > 1:
            raise ValueError("'national' already covers every province and territory; list it alone")
        if len(set(value)) != len(value):
            raise ValueError("list each province or territory once")
        return value

    @field_validator("website")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not _WEBSITE.match(value):
            raise ValueError(f"{value!r} is not a web address starting with https:// (or leave it empty)")
        return value

    @field_validator("verified_on")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError(f"{value.isoformat()} is in the future: write the day staff confirmed the entry")
        return value

    @field_validator("sources")
    @classmethod
    def _facts_have_sources(cls, value: list[str], info: ValidationInfo) -> list[str]:
        hours = info.data.get("hours")
        facts = [name for name, present in (("phones", info.data.get("phones")), ("website", info.data.get("website")),
                                            ("hours", hours is not None and hours.known)) if present]
        if facts and not value:
            named = " and ".join(filter(None, [", ".join(facts[:-1]), facts[-1]]))
            raise ValueError(f"{named} given without a source: every phone number, website and "
                             "hours value needs at least one entry in sources")
        return value

    @property
    def eligibility_en(self) -> str:
        """The English eligibility text (the file's `eligibility`), so it pairs with `eligibility_fr`."""
        return self.eligibility

    @property
    def national(self) -> bool:
        """True for services open to anyone in Canada."""
        return self.scope == [NATIONAL]
