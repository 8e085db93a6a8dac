"""The outbox: features write Notification rows in their own transactions; the worker delivers them.

`init_app(app)` wires the feature into an app: the staff view of undelivered emails, the after-commit dispatch to
the broker, the clock job that re-enqueues anything due, and the broker itself (embedded worker threads when no
Redis is configured). Features add their kinds of email with `kinds.add_email_kinds(app, ...)`.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the staff view, the dispatch listener, the clock's enqueue job and the broker."""
    import portal.clock as clock
    from portal.access import add_staff_page
    from flask_babel import lazy_gettext as _l
    from portal.notifications import dispatch, embedded
    from portal.notifications.routes import bp

    app.register_blueprint(bp)
    add_staff_page(app, "notifications.staff_list", _l("Emails not delivered"), place=40)
    dispatch.install()
    clock.add_job(app, "enqueue due notifications", every=timedelta(seconds=0), run=enqueue_due_notifications)
    embedded.init_app(app)


def enqueue_due_notifications(session) -> int:
    """The clock's job: send the broker every notification that is due and unsent; returns how many."""
    from portal.notifications.dispatch import enqueue
    from portal.notifications.services import due_and_unsent

    return enqueue(due_and_unsent(session))
