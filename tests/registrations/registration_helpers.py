"""Helpers for registration tests: register and cancel in their own committed transaction (as a view does), the
outbox, and emails built as delivery does."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from sqlmodel import select

from portal.extensions import db as portal_db
from portal.notifications.kinds import builder_for
from portal.notifications.models import Notification
from portal.registrations import services
from portal.registrations.models import Registration
from tests.when import next_date  # noqa: F401  (re-exported for the registration tests)


def _committed(change, **kwargs) -> services.Outcome:
    with portal_db.new_session(write=True) as tx:
        outcome = change(tx, **kwargs)
        tx.commit()
    return outcome


def register(**kwargs) -> services.Outcome:
    """services.register in its own write transaction, committed (what the register view does)."""
    return _committed(services.register, **kwargs)


def cancel(**kwargs) -> services.Outcome:
    """services.cancel in its own write transaction, committed (what the cancel view does)."""
    return _committed(services.cancel, **kwargs)


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

