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
KINDS = ("registration_confirmed", "waitlisted", "promoted", "cancellation_confirmed", *REMINDERS)


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


def reschedule_reminders(db: Session, session: SupportSession, *, now: datetime) -> int:
    """After staff move a session: reminders for the new time for every confirmed member (old ones skip
    themselves, their start time no longer matches). Call inside the transaction that moves the session."""
    rows = db.exec(select(Registration, User).join(User, User.id == Registration.user_id)
                   .where(Registration.session_id == session.id, Registration.status == "confirmed")).all()
    for registration, member in rows:
        schedule_reminders(db, registration, member, session, now=now)
    return len(rows)


def scheduled_start(notification: Notification) -> datetime | None:
    """The start time a reminder was scheduled for (None when missing or malformed)."""
    try:
        return datetime.fromisoformat(notification.payload_data["starts_at"])
    except (KeyError, TypeError, ValueError):
        return None
