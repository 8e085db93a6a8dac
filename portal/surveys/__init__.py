"""The anonymous post-session survey: invitations after a session, the survey page, results for staff.

Builds on notifications (the invitation email), accounts (the opt-out on the account page), sessions and
registrations (who took part, read once, when the session ends). Nothing imports it. Its promise: no one, not even
someone holding the whole database, can tell who answered what (see docs/surveys.md and docs/privacy.md).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views, the invitation email and what happens to it after delivery, the clock's job (ahead of
    the retention purge, which deletes the registrations it reads), the account-page part, the staff page and
    overview, and the log filter that hides tokens."""
    from flask_babel import lazy_gettext as _l

    import portal.clock as clock
    from portal.access import add_staff_page
    from portal.accounts.signals import account_deleting, account_page
    from portal.notifications.kinds import add_after_delivery, add_email_kinds
    from portal.staff.signals import staff_overview
    import portal.surveys.emails as emails
    import portal.surveys.logs as logs
    import portal.surveys.preferences as preferences
    import portal.surveys.results as results
    from portal.surveys.invitations import INVITATION_KIND, forget_token, invite_ended_sessions
    from portal.surveys.routes import account_bp, bp, staff_bp

    for blueprint in (bp, account_bp, staff_bp):
        app.register_blueprint(blueprint)
    add_email_kinds(app, emails.BUILDERS)
    add_after_delivery(app, INVITATION_KIND, forget_token)
    clock.add_job(app, "survey invitations", every=timedelta(minutes=5), run=invite_ended_sessions,
                  before="retention purge")
    account_page.connect(preferences.account_part, sender=app)
    account_deleting.connect(preferences.forget_deleted_member, sender=app)
    add_staff_page(app, "survey_results.staff_results", _l("Survey results"), place=30)
    staff_overview.connect(results.overview_part, sender=app)
    logs.install(app)
