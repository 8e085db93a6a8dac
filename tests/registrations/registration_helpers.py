"""Helpers for registration tests: dates that stay ahead, the outbox, and emails built as delivery does."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from sqlmodel import select

from portal.extensions import utcnow
from portal.i18n import EASTERN
from portal.notifications.kinds import builder_for
from portal.notifications.models import Notification
from portal.registrations.models import Registration


def next_date(month: int, day: int) -> datetime:
    """19:00 Eastern on the next month/day at least three days away (a winter or summer date that stays ahead)."""
    today = utcnow().astimezone(EASTERN)
    for year in (today.year, today.year + 1):
        candidate = datetime(year, month, day, 19, tzinfo=EASTERN)
        if candidate - utcnow() > timedelta(days=3):
            return candidate
    raise AssertionError("unreachable")


def outbox(db, **filters) -> list[Notification]:
    """Notifications in id order, filtered by column values (kind=..., status=..., registration_id=...)."""
    db.rollback()  # end any read snapshot: services commit in their own sessions
    statement = select(Notification).order_by(Notification.id)
    for name, value in filters.items():
        statement = statement.where(getattr(Notification, name) == value)
    return list(db.exec(statement).all())


def registrations(db, session_id: int) -> list[Registration]:
    """The session's registrations in id order, freshly read."""
    db.rollback()
    return list(db.exec(select(Registration).where(Registration.session_id == session_id)
                        .order_by(Registration.id)).all())


def build(db, notification: Notification):
    """Call the kind's builder inside force_locale, as delivery does, and render both templates.

    Returns (content, text, html), or None when the builder says the email no longer applies.
    """
    db.rollback()  # a fresh transaction, as delivery has: see what other sessions committed
    with force_locale(notification.locale):
        content = builder_for(notification.kind)(notification, db)
        if content is None:
            return None
        text = render_template(f"email/{content.template}.txt", **content.context)
        html = render_template(f"email/{content.template}.html", **content.context)
    return content, text, html

