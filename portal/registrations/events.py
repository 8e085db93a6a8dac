"""What registrations do when other features tell them something happened (receivers of their signals)."""
from __future__ import annotations

from sqlmodel import Session

from portal.accounts.models import User
from portal.extensions import utcnow
from portal.registrations.outbox import reschedule_reminders
from portal.registrations.services import withdraw_everything
from portal.sessions.models import SupportSession


def free_places_of_deleted_account(_app, *, db: Session, user: User) -> None:
    """An account is being deleted: cancel its registrations and promote the waiting lists, in the deletion's
    transaction. The cancellation emails this queues for the departing member go with their other outbox rows."""
    withdraw_everything(db, user)


def follow_session_change(_app, *, db: Session, session: SupportSession, changes: dict) -> None:
    """Staff changed a session: when its start moved, confirmed members get reminders for the new time (the old
    ones skip themselves: their start time no longer matches)."""
    if "starts_at" in changes:
        reschedule_reminders(db, session, now=utcnow())
