"""RFC 5545 calendars for sessions (icalendar). Public calendars never carry the Zoom link.

Feeds (the public one, a single session's file, a member's private feed) carry no METHOD: they are published
snapshots, not iTIP messages (RFC 5546), so a client files their events as plain entries. `METHOD:PUBLISH` would
require an ORGANIZER (RFC 5546 section 3.2.1), and an organizer would make Outlook and Google show every feed entry
as a meeting with reply buttons addressed to a mailbox nobody reads. Only invites carry a METHOD (REQUEST or
CANCEL), with their ORGANIZER and ATTENDEE (see portal.registrations.invites).

UIDs use a fixed domain (PORTAL_CALENDAR_UID_DOMAIN, default MAIL_FROM's), never the site's host, so moving the site
never duplicates an event. A member's invite and the public entry of the same session have different UIDs, so
importing the public file can never overwrite the invite (and its Zoom link).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timezone

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from portal.extensions import utcnow
from portal.i18n import localized
from portal.sessions.models import SupportSession
from portal.urls import mail_domain

PRODID = "-//Wellness Connection portal//EN"


def uid_domain() -> str:
    """The domain of every calendar UID: PORTAL_CALENDAR_UID_DOMAIN, else the mail domain."""
    return current_app.config.get("PORTAL_CALENDAR_UID_DOMAIN") or mail_domain()


def session_uid(session: SupportSession, *, personal: bool = True) -> str:
    """A UID that stays the same for the life of the session, so calendar apps update instead of duplicating: a
    member's copy (invites, private feed) and the public entry (listing feed, "Add to my calendar") differ."""
    suffix = "" if personal else "-public"
    return f"support-session-{session.id}{suffix}@{uid_domain()}"


def held_in(session: SupportSession) -> str:
    """The language the session is held in, as a sentence in the calendar's language."""
    sentences = {"en": _("This session is held in English."), "fr": _("This session is held in French."),
                 "bilingual": _("This session is held in English and French.")}
    return sentences.get(session.language, sentences["en"])


def session_event(session: SupportSession, *, lang: str, page_url: str, zoom_url: str | None = None,
                  personal: bool = False) -> Event:
    """One VEVENT in the given language (render it inside that locale); the Zoom link only when the caller passes
    it (confirmed members). `personal` gives it the member's UID instead of the public one."""
    event = Event()
    event.add("uid", session_uid(session, personal=personal))
    event.add("dtstamp", utcnow())
    # Always UTC ("Z" times): no VTIMEZONE needed, and every client converts correctly across daylight saving.
    event.add("dtstart", session.starts_at.astimezone(timezone.utc))
    event.add("dtend", session.ends_at.astimezone(timezone.utc))
    event.add("summary", localized(session, "title", lang))
    description = localized(session, "description", lang)
    event.add("description", f"{held_in(session)}\n\n{description}\n\n{page_url}")
    event.add("sequence", session.ics_sequence)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    if zoom_url:
        event.add("location", zoom_url)
        event.add("url", zoom_url)
    else:
        event.add("url", page_url)
    return event


def build_calendar(events: Iterable[Event], *, method: str | None = None, name: str | None = None) -> bytes:
    """A VCALENDAR holding the events, serialised; a METHOD only for an iTIP message (an invite)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
