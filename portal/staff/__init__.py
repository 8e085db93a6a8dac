"""The staff console: publish, change, cancel and duplicate sessions; the overview (numbers only) and the record
of staff actions.

Builds on sessions (it changes them and says so with `session_changed`, which the registration feature hears to
email members), registrations (their lock and waiting-list counts), accounts and notifications. Other features add
their part of the overview through `staff_overview` (signals.py).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the console's views, and forget a deleted staff account's name in the record (its actions stay)."""
    from flask_babel import lazy_gettext as _l

    from portal.access import add_staff_page
    from portal.accounts.signals import account_deleting
    from portal.staff.events import forget_deleted_actor
    from portal.staff.routes import bp

    app.register_blueprint(bp)
    for place, endpoint, label in ((10, "staff.index", _l("Overview")), (11, "staff.sessions", _l("Sessions")),
                                   (12, "staff.new_session", _l("New session")),
                                   (13, "staff.log", _l("Record of staff actions"))):
        add_staff_page(app, endpoint, label, place=place)
    account_deleting.connect(forget_deleted_actor, sender=app)
