"""What registrations do when other features tell them something happened (receivers of their signals)."""
from __future__ import annotations

from sqlmodel import Session

from portal.accounts.models import User
from portal.extensions import utcnow
from portal.registrations.outbox import CHANGE_FIELDS, queue_session_cancelled, queue_session_changed
from portal.registrations.outbox import reschedule_reminders
from portal.registrations.services import fill_free_places, withdraw_everything
from portal.sessions.models import SupportSession


def free_places_of_deleted_account(_app, *, db: Session, user: User) -> None:
    """An account is being deleted: cancel its registrations and promote the waiting lists, in the deletion's
    transaction. The cancellation emails this queues for the departing member go with their other outbox rows."""
    withdraw_everything(db, user)


def follow_session_change(_app, *, db: Session, session: SupportSession, changes: dict) -> None:
    """Staff changed a session (its row is locked by the staff console's transaction):
    - cancelled: everyone registered or waiting is told, and their unsent emails are withdrawn;
    - more places: the waiting list gets them at once, each with a promotion email;
    - a new start: reminders for the new time (the old ones skip themselves: their start no longer matches);
    - a new time, length or Zoom link: members are told (see outbox.queue_session_changed)."""
    if changes.get("status", (None, None))[1] == "cancelled":
        queue_session_cancelled(db, session)
        return
    now = utcnow()
    promoted = []
    if "capacity" in changes and changes["capacity"][1] > changes["capacity"][0] and session.starts_at > now:
        promoted = fill_free_places(db, session, now=now)
    if "starts_at" in changes:
        reschedule_reminders(db, session, now=now)
    if any(name in changes for name in CHANGE_FIELDS) and session.ends_at > now:
        queue_session_changed(db, session, changes, skip={registration.id for registration in promoted})
