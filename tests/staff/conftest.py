"""Fixtures for the staff console: a signed-in staff member, and the session form's fields."""
from __future__ import annotations

from datetime import datetime

import pytest

from portal.times import EASTERN


@pytest.fixture
def staff(make_user, login):
    """A verified staff member, signed in on the test client."""
    return login(make_user(is_staff=True, first_name="Sam", last_name="Staff"))


def wall(instant: datetime) -> str:
    """An instant as the form's starts_at: Eastern wall-clock time, YYYY-MM-DDTHH:MM."""
    return instant.astimezone(EASTERN).strftime("%Y-%m-%dT%H:%M")


def session_fields(starts: str, **overrides) -> dict:
    """A complete, valid session form (publishable), with overrides."""
    fields = {
        "title_en": "Peer support: night shifts", "title_fr": "Soutien par les pairs : quarts de nuit",
        "description_en": "A group for those who work nights.\n\nBring a drink.",
        "description_fr": "Un groupe pour celles et ceux qui travaillent la nuit.",
        "format": "peer_support", "topics": ["stress", "burnout"], "language": "bilingual",
        "moderator": "Dr. Jane Moderator", "starts_at": starts, "duration_minutes": "90", "capacity": "12",
        "zoom_url": "https://zoom.us/j/5551234567", "action": "publish",
    }
    fields.update(overrides)
    return fields


def fall_back_day():
    """The next first Sunday of November at least three days away (01:00-01:59 Eastern happens twice)."""
    return _next_sunday(11, 1)


def spring_forward_day():
    """The next second Sunday of March at least three days away (02:00-02:59 Eastern does not exist)."""
    return _next_sunday(3, 8)


def _next_sunday(month: int, first_day: int):
    from datetime import date, timedelta

    from portal.extensions import utcnow

    today = utcnow().astimezone(EASTERN).date()
    for year in (today.year, today.year + 1):
        start = date(year, month, first_day)
        sunday = start + timedelta(days=(6 - start.weekday()) % 7)
        if sunday - today > timedelta(days=3):
            return sunday
    raise AssertionError("unreachable")


@pytest.fixture
def icaljs():
    """quality.icaljs.parse, or a skip (a failure under PORTAL_REQUIRE_ALL) when Node or ical.js is missing."""
    from quality import icaljs as module
    from tests.conftest import skip_or_fail

    problem = module.missing()
    if problem:
        skip_or_fail(problem)
    return module.parse


class Mailbox:
    """The .eml files the worker wrote, read as a mail client would; `new()` returns those not seen before."""

    def __init__(self, folder) -> None:
        from pathlib import Path

        self.folder = Path(folder)
        self.seen: set[str] = set()

    def new(self) -> list[Email]:
        from email import message_from_bytes, policy

        files = sorted(p for p in self.folder.glob("*.eml") if p.name not in self.seen) if self.folder.exists() else []
        self.seen.update(p.name for p in files)
        return [Email(message_from_bytes(p.read_bytes(), policy=policy.default)) for p in files]


class Email:
    """One message: recipient, subject, text body and the invite's VEVENT and METHOD (None without an invite)."""

    def __init__(self, message) -> None:
        from icalendar import Calendar

        self.message = message
        self.to = str(message["To"])
        self.subject = str(message["Subject"])
        # Times are written with a narrow no-break space ("7:00\u202fp.m."); tests compare with plain spaces.
        self.text = message.get_body(preferencelist=("plain",)).get_content().replace("\u202f", " ")
        self.html = message.get_body(preferencelist=("html",)).get_content().replace("\u202f", " ")
        self.method = self.event = self.ics = None
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                self.ics = part.get_payload(decode=True)
                calendar = Calendar.from_ical(self.ics)
                self.method = str(calendar["method"])
                assert part.get_param("method") == self.method  # the MIME header agrees with the body
                (self.event,) = calendar.walk("VEVENT")

    @property
    def uid(self) -> str:
        return str(self.event["uid"])

    @property
    def sequence(self) -> int:
        return int(self.event["sequence"])

    @property
    def dtstart(self):
        return self.event.decoded("dtstart")


def by_recipient(emails: list[Email]) -> dict[str, Email]:
    """One email per recipient (fails if someone got two)."""
    found: dict[str, Email] = {}
    for email in emails:
        assert email.to not in found, f"{email.to} got two emails: {found[email.to].subject!r}, {email.subject!r}"
        found[email.to] = email
    return found


def field_error(html: str, name: str) -> str | None:
    """The message shown beside a field (its `<p class="field-error" id="<name>-error">`), as text, or None."""
    import re
    from html import unescape

    found = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', html, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split()) if found else None


def value_of(html: str, name: str) -> str | None:
    """What the form shows in a text input or textarea, unescaped as a browser would."""
    import re
    from html import unescape

    area = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    if area:
        return unescape(area.group(1))
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def fresh(db) -> None:
    """Make the test's database session see what requests committed since: end its transaction (SQLite keeps a
    read snapshot) and forget loaded rows (rollback alone expires nothing when no transaction had begun)."""
    db.rollback()
    db.expire_all()
