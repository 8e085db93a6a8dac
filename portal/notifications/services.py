"""How features ask for an email: write a Notification row in their own transaction (the outbox pattern).

Delivery (rendering, SMTP or .eml, retries) lives in portal.notifications.delivery and worker/; features never
send mail themselves.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, select

from portal.extensions import utcnow
from portal.notifications.models import Notification

PENDING_KEY = "portal_notifications_to_dispatch"
# When each pending id is due: after commit, only those already due go to the broker (the clock sends the rest).
PENDING_DUE_KEY = "portal_notifications_due"


def _insert_statement(dialect: str):
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING the row, for this dialect (built once each)."""
    if dialect not in _INSERTS:
        insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
        _INSERTS[dialect] = (insert(_TABLE).values({name: bindparam(name) for name in _VALUES})
                             .on_conflict_do_nothing(index_elements=[_TABLE.c.dedupe_key])
                             .returning(*_TABLE.c))
    return _INSERTS[dialect]


_TABLE = Notification.__table__
# Every column notify() writes: the model's Python-side defaults (status, attempts, last_error...) are not applied
# to a Core INSERT, so each is given explicitly.
_VALUES = ("kind", "user_id", "recipient_email", "locale", "session_id", "registration_id", "payload", "due_at",
           "status", "attempts", "last_error", "sent_at", "claimed_until", "retry_at", "dedupe_key", "created_at")
_INSERTS: dict = {}


def notify(db: Session, *, kind: str, recipient_email: str, dedupe_key: str, locale: str = "en",
           user_id: int | None = None, session_id: int | None = None, registration_id: int | None = None,
           payload: dict | None = None, due_at: datetime | None = None) -> Notification | None:
    """Queue one email in the caller's transaction; a repeated dedupe_key adds nothing and returns None.

    One statement: INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING the row. A concurrent transaction
    inserting the same key first makes this one wait for it (PostgreSQL), then insert nothing: no error, None.
    Returns the row as written, a persistent object of the session with every column loaded (changing it and
    committing updates the row, as before).
    The id is remembered on the session so it can be handed to the worker once the transaction commits.
    """
    now = utcnow()
    values = {"kind": kind, "user_id": user_id, "recipient_email": recipient_email, "locale": locale,
              "session_id": session_id, "registration_id": registration_id, "payload": json.dumps(payload or {}),
              "due_at": due_at or now, "status": "pending", "attempts": 0, "last_error": "", "sent_at": None,
              "claimed_until": None, "retry_at": None, "dedupe_key": dedupe_key, "created_at": now}
    row = db.execute(_insert_statement(db.get_bind().dialect.name), values).first()
    if row is None:  # the key was there already (or a concurrent writer queued the same email first)
        return None
    notification = Notification(**row._mapping)
    make_transient_to_detached(notification)  # the row as written, every column loaded: no lazy SELECT later
    db.add(notification)  # in the session's identity map as a persistent object, as an ORM add left it (no SQL)
    db.info.setdefault(PENDING_KEY, []).append(notification.id)
    db.info.setdefault(PENDING_DUE_KEY, {})[notification.id] = notification.due_at
    return notification


def due_and_unsent(db: Session, *, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of pending rows that are due, not held by a worker, and not waiting for the broker's own retry."""
    now = now or utcnow()
    query = (select(Notification.id)
             .where(Notification.status == "pending", Notification.due_at <= now)
             .where((Notification.claimed_until.is_(None)) | (Notification.claimed_until <= now))
             .where((Notification.retry_at.is_(None)) | (Notification.retry_at <= now))
             .order_by(Notification.due_at).limit(limit))
    return list(db.exec(query).all())


def stuck_among(db: Session, notification_ids: list[int]) -> list[Notification]:
    """Those of the rows that something already tried to send: a failed attempt, or a lease that ran out."""
    if not notification_ids:
        return []
    return list(db.exec(select(Notification).where(Notification.id.in_(notification_ids))
                        .where((Notification.attempts > 0) | Notification.claimed_until.is_not(None))
                        .order_by(Notification.id)).all())


def retry_failed(db: Session, notification_id: int) -> Notification | None:
    """Give a failed row a fresh start (staff action): attempts from zero and a new maximum age counted from now
    (it is due now); it is dispatched when the caller commits."""
    notification = db.get(Notification, notification_id)
    if notification is None or notification.status != "failed":
        return None
    notification.status = "pending"
    notification.due_at = utcnow()
    notification.attempts = 0
    notification.retry_at = None
    notification.claimed_until = None
    db.add(notification)
    db.info.setdefault(PENDING_KEY, []).append(notification.id)
    return notification


# Staff are shown an email that has been failing this long, apart from the ones that just failed once.
FAILING_FOR_LONG = timedelta(hours=1)


@dataclass
class OutboxForStaff:
    """The undelivered emails, in the groups the staff page shows."""

    failed: list[Notification]  # given up: waits for staff to press Retry
    failing: list[Notification]  # due over an hour ago, attempts failed, still being retried automatically
    due: list[Notification]  # due and not sent yet (being sent, or failed a little while ago)
    scheduled: list[Notification]  # not due yet (reminders)


def outbox_for_staff(db: Session, *, now: datetime | None = None, limit: int = 200) -> OutboxForStaff:
    """Failed rows (newest first), then pending ones split by whether they are due, soonest first."""
    now = now or utcnow()
    failed = db.exec(select(Notification).where(Notification.status == "failed")
                     .order_by(Notification.created_at.desc()).limit(limit)).all()
    pending = select(Notification).where(Notification.status == "pending")
    long_failing = (Notification.attempts > 0) & (Notification.due_at <= now - FAILING_FOR_LONG)
    failing = db.exec(pending.where(long_failing).order_by(Notification.due_at).limit(limit)).all()
    due = db.exec(pending.where(Notification.due_at <= now, ~long_failing)
                  .order_by(Notification.due_at).limit(limit)).all()
    scheduled = db.exec(pending.where(Notification.due_at > now).order_by(Notification.due_at).limit(limit)).all()
    return OutboxForStaff(list(failed), list(failing), list(due), list(scheduled))
