"""What each registration email says. Delivery calls these builders inside force_locale(notification.locale),
just before sending; a builder returns None when its email no longer applies, and delivery skips it.

The Zoom link goes only into emails for a confirmed place (confirmation, promotion, reminders), never into the
waiting-list or cancellation email.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session

from portal.accounts.models import User
from portal.extensions import utcnow
from portal.i18n import LANGUAGES, localized
from portal.times import EASTERN, format_in_zone, format_span, other_than_eastern, zone_for
from portal.notifications.kinds import EmailContent
from portal.notifications.models import Notification
from portal.registrations.invites import invite_attachment
from portal.registrations.models import Registration
from portal.registrations.outbox import scheduled_start
from portal.sessions.models import SupportSession
from portal.urls import absolute_url


@dataclass
class Facts:
    """What an email is about, loaded fresh when it is built."""

    registration: Registration
    session: SupportSession
    member: User
    lang: str


def _load(notification: Notification, db: Session, *, status: str) -> Facts | None:
    """The registration in the given status, its session (not cancelled) and its member; else None."""
    registration = db.get(Registration, notification.registration_id) if notification.registration_id else None
    if registration is None or registration.status != status:
        return None
    session = db.get(SupportSession, registration.session_id)
    member = db.get(User, registration.user_id)
    if session is None or member is None or (session.is_cancelled and status != "cancelled"):
        return None
    lang = notification.locale if notification.locale in LANGUAGES else "en"
    return Facts(registration, session, member, lang)


def session_times(session: SupportSession, member: User, lang: str) -> dict[str, str]:
    """The date and times in the member's province zone, and the Eastern time beside it when that reads
    differently (with the Eastern date when the day differs)."""
    zone = zone_for(member.province)
    start, end = session.starts_at, session.ends_at
    times = {"when": format_span(start, end, lang, zone), "eastern": ""}
    if other_than_eastern(zone, lang):
        eastern = format_in_zone(start, lang, EASTERN, beside=zone, date_style="full")
        # The zone is already in brackets in French ("19 h (HE)"): "Soit 19 h (HE)" rather than "(19 h (HE))".
        times["eastern"] = f"Soit {eastern}" if lang == "fr" else f"({eastern})"
    return times


def _context(facts: Facts, *, with_zoom: bool) -> dict:
    session = facts.session
    context = {
        "first_name": facts.member.first_name, "title": localized(session, "title"),
        "moderator": localized(session, "moderator", facts.lang), "page_url": absolute_url("sessions.detail", lang=facts.lang, session_id=session.id),
        "minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
        "zoom_url": session.zoom_url if with_zoom else "",
        **session_times(session, facts.member, facts.lang),
    }
    return context


def _place_email(notification: Notification, db: Session, *, template: str,
                 subject_line: str) -> EmailContent | None:
    """A confirmed place: Zoom link and invite (METHOD:REQUEST). `subject_line` has a %(title)s."""
    facts = _load(notification, db, status="confirmed")
    if facts is None:
        return None
    invite = invite_attachment(facts.session, facts.registration, facts.member, lang=facts.lang,
                               method="REQUEST")
    return EmailContent(subject=subject_line % {"title": localized(facts.session, "title")}, template=template,
                        context=_context(facts, with_zoom=True), attachments=[invite])


def registration_confirmed(notification: Notification, db: Session) -> EmailContent | None:
    """Your place is confirmed: Zoom link, invite (METHOD:REQUEST), rules of engagement."""
    return _place_email(notification, db, template="registration_confirmed",
                        subject_line=_("Registration confirmed: %(title)s"))


def promoted(notification: Notification, db: Session) -> EmailContent | None:
    """A place opened and it is yours: Zoom link and invite (METHOD:REQUEST)."""
    return _place_email(notification, db, template="promoted", subject_line=_("A place opened up for you: %(title)s"))


def waitlisted(notification: Notification, db: Session) -> EmailContent | None:
    """You are on the waiting list, at position N. Never the Zoom link, never an invite."""
    facts = _load(notification, db, status="waitlisted")
    if facts is None:
        return None
    context = _context(facts, with_zoom=False)
    context["position"] = facts.registration.waitlist_position
    return EmailContent(subject=_("Waiting list: %(title)s", title=localized(facts.session, "title")),
                        template="waitlisted", context=context)


def cancellation_confirmed(notification: Notification, db: Session) -> EmailContent | None:
    """Your registration is cancelled (invite METHOD:CANCEL), or you left the waiting list (no invite).

    Not sent if the member registered again meanwhile: a CANCEL would then remove their new place from their
    calendar.
    """
    facts = _load(notification, db, status="cancelled")
    if facts is None:
        return None
    was_confirmed = notification.payload_data.get("was") == "confirmed"
    context = _context(facts, with_zoom=False)
    context["was_confirmed"] = was_confirmed
    title = localized(facts.session, "title")
    if not was_confirmed:
        return EmailContent(subject=_("You have left the waiting list: %(title)s", title=title),
                            template="cancellation_confirmed", context=context)
    invite = invite_attachment(facts.session, facts.registration, facts.member, lang=facts.lang,
                               method="CANCEL")
    return EmailContent(subject=_("Registration cancelled: %(title)s", title=title),
                        template="cancellation_confirmed", context=context, attachments=[invite])


def _reminder(notification: Notification, db: Session, *, template: str, subject_line: str) -> EmailContent | None:
    facts = _load(notification, db, status="confirmed")
    if facts is None:
        return None
    session = facts.session
    # Moved since the reminder was scheduled (the new time has its own reminders), or already started.
    if scheduled_start(notification) != session.starts_at or session.starts_at <= utcnow():
        return None
    title = localized(session, "title")
    return EmailContent(subject=subject_line % {"title": title}, template=template,
                        context=_context(facts, with_zoom=True))


def reminder_24h(notification: Notification, db: Session) -> EmailContent | None:
    """Tomorrow: the session, its time and the Zoom link; only for a confirmed place at an unchanged time."""
    return _reminder(notification, db, template="reminder_24h", subject_line=_("Tomorrow: %(title)s"))


def reminder_1h(notification: Notification, db: Session) -> EmailContent | None:
    """In one hour: the Zoom link; only for a confirmed place at an unchanged time."""
    return _reminder(notification, db, template="reminder_1h", subject_line=_("In one hour: %(title)s"))


def _session_news(notification: Notification, db: Session, *, cancelled: bool) -> Facts | None:
    """A change or cancellation staff made, for a member still holding a place or waiting; None once a later
    change (a higher sequence) or the member's own cancellation makes it moot."""
    registration = db.get(Registration, notification.registration_id) if notification.registration_id else None
    if registration is None or registration.status not in ("confirmed", "waitlisted"):
        return None
    session = db.get(SupportSession, registration.session_id)
    member = db.get(User, registration.user_id)
    if session is None or member is None or session.is_cancelled != cancelled:
        return None
    if notification.payload_data.get("sequence") != session.ics_sequence:
        return None
    lang = notification.locale if notification.locale in LANGUAGES else "en"
    return Facts(registration, session, member, lang)


def _was_times(was: dict, session: SupportSession, member: User, lang: str) -> dict[str, str]:
    """The previous date and times, in the member's zone, for "it was ... it is now ..."."""
    try:
        starts = datetime.fromisoformat(was["starts_at"]) if was.get("starts_at") else session.starts_at
        ends = datetime.fromisoformat(was["ends_at"]) if was.get("ends_at") else \
            starts + (session.ends_at - session.starts_at)
    except (TypeError, ValueError):
        return {}
    zone = zone_for(member.province)
    return {"was_when": format_span(starts, ends, lang, zone)}


def session_changed(notification: Notification, db: Session) -> EmailContent | None:
    """Staff changed the time, length or Zoom link. A confirmed member gets what changed, the new Zoom link and
    an updated invite (METHOD:REQUEST, same UID, higher SEQUENCE); a waitlisted member a short notice of the new
    time, never the Zoom link."""
    facts = _session_news(notification, db, cancelled=False)
    if facts is None or facts.session.ends_at <= utcnow():
        return None
    was = notification.payload_data.get("was") or {}
    holds_place = facts.registration.status == "confirmed"
    if not holds_place and not ({"starts_at", "ends_at"} & set(was)):
        return None
    context = _context(facts, with_zoom=holds_place)
    context.update(holds_place=holds_place, time_changed=bool({"starts_at", "ends_at"} & set(was)),
                   zoom_changed=holds_place and "zoom_url" in was,
                   **_was_times(was, facts.session, facts.member, facts.lang))
    title = localized(facts.session, "title")
    attachments = []
    if holds_place:
        attachments.append(invite_attachment(facts.session, facts.registration, facts.member, lang=facts.lang,
                                             method="REQUEST"))
    return EmailContent(subject=_("Session changed: %(title)s", title=title), template="session_changed",
                        context=context, attachments=attachments)


def session_cancelled(notification: Notification, db: Session) -> EmailContent | None:
    """Staff cancelled the session: METHOD:CANCEL (same UID) for a member holding a place, a notice for one
    waiting."""
    facts = _session_news(notification, db, cancelled=True)
    if facts is None:
        return None
    holds_place = facts.registration.status == "confirmed"
    context = _context(facts, with_zoom=False)
    context.update(holds_place=holds_place, sessions_url=absolute_url("sessions.listing", lang=facts.lang))
    attachments = []
    if holds_place:
        attachments.append(invite_attachment(facts.session, facts.registration, facts.member, lang=facts.lang,
                                             method="CANCEL"))
    return EmailContent(subject=_("Session cancelled: %(title)s", title=localized(facts.session, "title")),
                        template="session_cancelled", context=context, attachments=attachments)


# The kinds of email this feature sends, given to the app by registrations.init_app.
BUILDERS = {
    "registration_confirmed": registration_confirmed,
    "promoted": promoted,
    "waitlisted": waitlisted,
    "cancellation_confirmed": cancellation_confirmed,
    "reminder_24h": reminder_24h,
    "reminder_1h": reminder_1h,
    "session_changed": session_changed,
    "session_cancelled": session_cancelled,
}
