"""Calendar invites for one member (iTIP, RFC 5546), built on the public event of portal.sessions.calendar.

The UID is the member's copy of the session (not the public entry's), so every update lands on the same calendar
entry and importing the public file never overwrites it. SEQUENCE is the session's
ics_sequence (raised by staff on each change) plus the registration's revision (raised on each cancel or
re-registration), so each invite a member receives outranks the one before it.
"""
from __future__ import annotations

from flask_babel import gettext as _
from icalendar import Event, vCalAddress, vText

from portal.accounts.models import User
from portal.notifications.kinds import Attachment
from portal.registrations.models import Registration
from portal.sessions.calendar import build_calendar, session_event
from portal.sessions.models import SupportSession
from portal.urls import absolute_url, mail_from_address


def invite_sequence(session: SupportSession, registration: Registration) -> int:
    """The SEQUENCE for this member's copy of the session; use it for any invite sent to them (staff updates too)."""
    return session.ics_sequence + registration.revision


def _replace(event: Event, name: str, value) -> None:
    event.pop(name, None)
    event.add(name, value)


def _participants(event: Event, member: User, *, accepted: bool) -> None:
    address = mail_from_address()
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(_("Wellness Connection"))  # the portal's name in the member's language
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{member.email}")
    attendee.params.update({"cn": vText(member.first_name), "role": vText("REQ-PARTICIPANT"),
                            "partstat": vText("ACCEPTED" if accepted else "DECLINED"), "rsvp": vText("FALSE")})
    event.add("attendee", attendee)


def member_event(session: SupportSession, registration: Registration, member: User, *, lang: str,
                 with_zoom: bool) -> Event:
    """The session as this member's calendar sees it: their sequence, and the Zoom link when they hold a place."""
    page_url = absolute_url("sessions.detail", lang=lang, session_id=session.id)
    zoom_url = session.zoom_url if with_zoom and not session.is_cancelled else None
    event = session_event(session, lang=lang, page_url=page_url, zoom_url=zoom_url, personal=True)
    _replace(event, "sequence", invite_sequence(session, registration))
    if zoom_url:
        description = str(event["description"])
        extra = "\n".join((_("Join on Zoom: %(url)s", url=zoom_url), _("Sessions start and end on time."),
                           release_on_portal(page_url)))
        _replace(event, "description", f"{description}\n\n{extra}")
    return event


def release_on_portal(page_url: str) -> str:
    """Declining in a calendar app replies to an address nobody reads: say where a place is really given up."""
    return _("Can no longer come? Cancel on the portal, so the place goes to someone waiting: %(url)s. Declining "
             "in your calendar app does not release it.", url=page_url)


def invite_attachment(session: SupportSession, registration: Registration, member: User, *, lang: str,
                      method: str) -> Attachment:
    """invite.ics for an email: METHOD:REQUEST (with the Zoom link) or METHOD:CANCEL (without it)."""
    requesting = method == "REQUEST"
    event = member_event(session, registration, member, lang=lang, with_zoom=requesting)
    if not requesting:
        _replace(event, "status", "CANCELLED")
    _participants(event, member, accepted=requesting)
    body = build_calendar([event], method=method)
    return Attachment("invite.ics", "text/calendar", body, {"method": method, "charset": "UTF-8"})
