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
    return notification
