"""How features ask for an email: write a Notification row in their own transaction (the outbox pattern).

Delivery (rendering, SMTP or .eml, retries) lives in portal.notifications.delivery and worker/; features never
send mail themselves.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal.extensions import utcnow
from portal.notifications.models import Notification

PENDING_KEY = "portal_notifications_to_dispatch"
# When each pending id is due: after commit, only those already due go to the broker (the clock sends the rest).
PENDING_DUE_KEY = "portal_notifications_due"


def notify(db: Session, *, kind: str, recipient_email: str, dedupe_key: str, locale: str = "en",
           user_id: int | None = None, session_id: int | None = None, registration_id: int | None = None,
           payload: dict | None = None, due_at: datetime | None = None) -> Notification | None:
    """Queue one email in the caller's transaction; a repeated dedupe_key adds nothing and returns None.

    The id is remembered on the session so it can be handed to the worker once the transaction commits.
    """
    if db.exec(select(Notification.id).where(Notification.dedupe_key == dedupe_key)).first() is not None:
        return None
    notification = Notification(
        kind=kind, recipient_email=recipient_email, dedupe_key=dedupe_key, locale=locale, user_id=user_id,
        session_id=session_id, registration_id=registration_id, payload=json.dumps(payload or {}),
        due_at=due_at or utcnow(),
    )
    try:
        with db.begin_nested():
            db.add(notification)
    except IntegrityError:  # a concurrent writer queued the same email first
        return None
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


def retry_failed(db: Session, notification_id: int) -> Notification | None:
    """Give a failed row a fresh set of attempts (staff action); it is dispatched when the caller commits."""
    notification = db.get(Notification, notification_id)
    if notification is None or notification.status != "failed":
        return None
    notification.status = "pending"
    notification.attempts = 0
    notification.retry_at = None
    notification.claimed_until = None
    db.add(notification)
    db.info.setdefault(PENDING_KEY, []).append(notification.id)
    return notification
