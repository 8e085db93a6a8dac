"""RFC 5545 calendars for sessions (icalendar). Public calendars never carry the Zoom link."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timezone
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from portal.extensions import utcnow
from portal.i18n import localized
from portal.sessions.models import SupportSession

PRODID = "-//Wellness Connection portal//EN"


def session_uid(session: SupportSession, base_url: str) -> str:
    """A UID that stays the same for the life of the session, so calendar apps update instead of duplicating."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"support-session-{session.id}@{host}"


def session_event(session: SupportSession, *, lang: str, base_url: str, page_url: str,
                  zoom_url: str | None = None) -> Event:
    """One VEVENT in the given language; the Zoom link only when the caller passes it (confirmed members)."""
    event = Event()
    event.add("uid", session_uid(session, base_url))
    # The last change to the session, not "now": the same session serialises to the same bytes on every request,
    # so feeds can carry an ETag and calendar apps see a new DTSTAMP only when something changed.
    event.add("dtstamp", (session.updated_at or session.created_at or utcnow()).astimezone(timezone.utc))
    # Always UTC ("Z" times): no VTIMEZONE needed, and every client converts correctly across daylight saving.
    event.add("dtstart", session.starts_at.astimezone(timezone.utc))
    event.add("dtend", session.ends_at.astimezone(timezone.utc))
    event.add("summary", localized(session, "title", lang))
    description = localized(session, "description", lang)
    event.add("description", f"{description}\n\n{page_url}")
    event.add("sequence", session.ics_sequence)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    if zoom_url:
        event.add("location", zoom_url)
        event.add("url", zoom_url)
    else:
        event.add("url", page_url)
    return event


def build_calendar(events: Iterable[Event], *, method: str = "PUBLISH", name: str | None = None) -> bytes:
    """A VCALENDAR holding the events, serialised."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
