"""What registrations put in the outbox: the emails owed for each change, written in the change's transaction.

Dedupe keys carry the registration's revision, so a repeated request adds nothing while registering again after
cancelling is new mail. Reminder keys also carry the start time they were computed for, so a moved session gets
fresh reminders and its builders skip the old ones.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import update
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.i18n import LANGUAGES
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession

# Reminder kinds and how long before the start each is due.
REMINDERS = {"reminder_24h": timedelta(hours=24), "reminder_1h": timedelta(hours=1)}
KINDS = ("registration_confirmed", "waitlisted", "promoted", "cancellation_confirmed", *REMINDERS, "session_changed",
         "session_cancelled")
# Changes staff make that registered members are told about; waitlisted members only hear of a new time or length.
CHANGE_FIELDS = ("starts_at", "ends_at", "zoom_url")
WAITLIST_FIELDS = ("starts_at", "ends_at")


def start_stamp(session: SupportSession) -> str:
    """The start time as reminders record it (ISO 8601, UTC), to notice later that the session moved."""
    return session.starts_at.astimezone(timezone.utc).isoformat()


def _notify(db: Session, kind: str, registration: Registration, member: User, session: SupportSession, *,
            payload: dict | None = None, due_at: datetime | None = None, key_suffix: str = "") -> None:
    key = f"{kind}:{registration.id}:{registration.revision}{key_suffix}"
    notify(db, kind=kind, recipient_email=member.email, dedupe_key=key,
           locale=member.locale if member.locale in LANGUAGES else "en", user_id=member.id,
           session_id=session.id, registration_id=registration.id, payload=payload, due_at=due_at)


def withdraw_pending(db: Session, registration: Registration) -> int:
    """Mark this registration's unsent emails skipped (its reminders, a confirmation not yet sent)."""
    result = db.exec(update(Notification)
                     .where(Notification.registration_id == registration.id, Notification.status == "pending")
                     .values(status="skipped", last_error="no longer applies: the registration changed"))
    return result.rowcount or 0


def schedule_reminders(db: Session, registration: Registration, member: User, session: SupportSession, *,
                       now: datetime) -> None:
    """The 24 h and 1 h reminders, each only if its moment is still ahead."""
    for kind, lead in REMINDERS.items():
        due = session.starts_at - lead
        if due > now:
            _notify(db, kind, registration, member, session, payload={"starts_at": start_stamp(session)},
                    due_at=due, key_suffix=":" + start_stamp(session))


def queue_place(db: Session, registration: Registration, member: User, session: SupportSession, *,
                now: datetime, promoted: bool = False) -> None:
    """A confirmed place: the confirmation (or promotion) email, with the Zoom link and invite, and reminders."""
    _notify(db, "promoted" if promoted else "registration_confirmed", registration, member, session)
    schedule_reminders(db, registration, member, session, now=now)


def queue_waitlisted(db: Session, registration: Registration, member: User, session: SupportSession) -> None:
    """The waiting-list email (never the Zoom link)."""
    _notify(db, "waitlisted", registration, member, session)


def queue_cancellation(db: Session, registration: Registration, member: User, session: SupportSession, *,
                       previous_status: str) -> None:
    """The cancellation email; for a confirmed place it carries an invite with METHOD:CANCEL."""
    _notify(db, "cancellation_confirmed", registration, member, session, payload={"was": previous_status})


def _registered(db: Session, session: SupportSession, statuses: tuple[str, ...]) -> list[tuple[Registration, User]]:
    return list(db.exec(select(Registration, User).join(User, User.id == Registration.user_id)
                        .where(Registration.session_id == session.id, Registration.status.in_(statuses))
                        .order_by(Registration.id)).all())


def _session_notify(db: Session, kind: str, registration: Registration, member: User, session: SupportSession,
                    payload: dict) -> None:
    # The session's revision (ics_sequence) is in the key: a second and a third change are each new mail.
    notify(db, kind=kind, recipient_email=member.email, dedupe_key=f"{kind}:{registration.id}:{session.ics_sequence}",
           locale=member.locale if member.locale in LANGUAGES else "en", user_id=member.id, session_id=session.id,
           registration_id=registration.id, payload=payload)


def _earlier_unsent_changes(db: Session, session: SupportSession) -> dict:
    """What earlier change emails of this session, not sent yet, were to say ("was" values, oldest kept); they are
    skipped, and the new email says it all."""
    pending = db.exec(select(Notification).where(Notification.session_id == session.id,
                                                 Notification.kind == "session_changed",
                                                 Notification.status == "pending")
                      .order_by(Notification.id)).all()
    was: dict = {}
    for row in pending:
        for name, value in (row.payload_data.get("was") or {}).items():
            was.setdefault(name, value)
        row.status, row.last_error = "skipped", "superseded by a later change to the session"
    return was


def queue_session_changed(db: Session, session: SupportSession, changes: dict, *, skip: set[int]) -> int:
    """Staff changed the time, length or Zoom link: every confirmed member gets the news with an updated invite,
    every waitlisted member a short notice when the time or length changed. `skip`: registration ids that already
    get a message with the new details (promoted in the same change). Returns how many emails were queued."""
    was = _earlier_unsent_changes(db, session)
    for name in CHANGE_FIELDS:
        if name in changes and name not in was:
            old = changes[name][0]
            was[name] = old.astimezone(timezone.utc).isoformat() if isinstance(old, datetime) else ""
    payload = {"sequence": session.ics_sequence, "was": was}
    statuses = ("confirmed", "waitlisted") if any(name in was for name in WAITLIST_FIELDS) else ("confirmed",)
    queued = 0
    for registration, member in _registered(db, session, statuses):
        if registration.id not in skip:
            _session_notify(db, "session_changed", registration, member, session, payload)
            queued += 1
    return queued


def queue_session_cancelled(db: Session, session: SupportSession) -> int:
    """Staff cancelled the session: everyone registered or waiting is told (with METHOD:CANCEL for a place), and
    their unsent emails for it (reminders, confirmations) are withdrawn."""
    rows = _registered(db, session, ("confirmed", "waitlisted"))
    for registration, member in rows:
        withdraw_pending(db, registration)
        _session_notify(db, "session_cancelled", registration, member, session, {"sequence": session.ics_sequence})
    return len(rows)


def reschedule_reminders(db: Session, session: SupportSession, *, now: datetime) -> int:
    """After staff move a session: reminders for the new time for every confirmed member (old ones skip
    themselves, their start time no longer matches). Call inside the transaction that moves the session."""
    rows = _registered(db, session, ("confirmed",))
    for registration, member in rows:
        schedule_reminders(db, registration, member, session, now=now)
    return len(rows)


def scheduled_start(notification: Notification) -> datetime | None:
    """The start time a reminder was scheduled for (None when missing or malformed)."""
    try:
        return datetime.fromisoformat(notification.payload_data["starts_at"])
    except (KeyError, TypeError, ValueError):
        return None
