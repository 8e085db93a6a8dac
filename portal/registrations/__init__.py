"""Registration for sessions: places, waiting list, cancellations, reminders, private calendar feeds.

Builds on sessions, accounts and notifications; none of them imports it. It joins their pages and events
through their signals, connected in `init_app`.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views, the emails, the clock's purge job, the purge command, the "try again" page for a busy
    session lock, and the receivers of the sessions' and accounts' signals (the panel on a session page, "My sessions" on the account page, freeing the
    places of a deleted account, new reminders when staff move a session)."""
    import portal.clock as clock
    from portal.caching import watch_tables
    from portal.accounts.signals import account_deleting, account_page
    from portal.errors import try_again_soon
    from portal.notifications.kinds import add_email_kinds
    from portal.registrations import emails, events
    from portal.registrations.cli import purge_command
    from portal.registrations.locking import SessionBusy
    from portal.registrations.my_sessions import account_part
    from portal.registrations.panel import panel_part
    from portal.registrations.retention import hourly_retention_purge
    from portal.registrations.routes import bp, feed_bp
    from portal.sessions.signals import session_changed, session_page

    app.register_blueprint(bp)
    app.register_blueprint(feed_bp)
    watch_tables(app, "registration")
    add_email_kinds(app, emails.BUILDERS)
    clock.add_job(app, "retention purge", every=timedelta(hours=1), run=hourly_retention_purge)
    app.cli.add_command(purge_command)
    app.register_error_handler(SessionBusy, try_again_soon)
    session_page.connect(panel_part, sender=app)
    account_page.connect(account_part, sender=app)
    account_deleting.connect(events.free_places_of_deleted_account, sender=app)
    session_changed.connect(events.follow_session_change, sender=app)
