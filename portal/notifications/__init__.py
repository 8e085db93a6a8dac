"""The outbox: features write Notification rows in their own transactions; the worker delivers them.

`init_app(app)` wires the feature into an app: the staff view of undelivered emails, the after-commit dispatch to
the broker, the clock job that re-enqueues anything due, and the broker itself (embedded worker threads when no
Redis is configured). Features add their kinds of email with `kinds.add_email_kinds(app, ...)`.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask

log = logging.getLogger(__name__)


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
    """The clock's job: send the broker every notification that is due and unsent; returns how many. An email the
    broker should already have handled (a retry that never came, a worker that died holding it) is logged."""
    from portal.notifications.dispatch import enqueue
    from portal.notifications.services import due_and_unsent, stuck_among

    ids = due_and_unsent(session)
    for row in stuck_among(session, ids):
        log.warning("Clock: sending notification %s (%s) again, due since %s: %s", row.id, row.kind,
                    row.due_at.isoformat(timespec="seconds"),
                    f"{row.attempts} failed attempt(s) and no retry came" if row.attempts
                    else "the worker holding it stopped before finishing")
    return enqueue(ids)
