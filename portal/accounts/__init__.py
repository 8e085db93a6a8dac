"""Member accounts: sign-up, verification, sign-in, password reset, the account page, operator commands.

Builds on notifications (its emails); registrations and the other member features build on it, and hear about
accounts through the signals in signals.py.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views, the user loader, the emails, the operator commands, the header's staff link and the
    clock's job that deletes accounts left unconfirmed for 7 days."""
    from datetime import timedelta

    import portal.clock as clock
    from portal.access import is_staff_page, staff_home_endpoint, staff_pages
    from portal.accounts import emails
    from portal.accounts.cli import staff_cli, user_cli
    from portal.accounts.profile import expire_unverified
    from portal.accounts.routes import bp
    from portal.accounts.user_loader import init_login_manager
    from portal.caching import watch_member_tables
    from portal.notifications.kinds import add_email_kinds

    app.register_blueprint(bp)
    init_login_manager()
    # A member's kept pages (portal.early_answers) are given again only while their account and sign-in are as
    # they were: signing out, anywhere, deletes a sign-in row.
    watch_member_tables(app, "user_account", "sign_in")
    add_email_kinds(app, emails.BUILDERS)
    clock.add_job(app, "expire unconfirmed accounts", every=timedelta(hours=1), run=expire_unverified)
    app.cli.add_command(user_cli)
    app.cli.add_command(staff_cli)
    app.jinja_env.globals.update(
        staff_home_endpoint=staff_home_endpoint, staff_pages=staff_pages, is_staff_page=is_staff_page
    )
