"""The gratitude space: verified members share stories of gratitude, staff moderate them, and a story that
signals distress is met with help at once (its author sees where to call; staff are told and see it first).

Builds on accounts (who writes), directory (the physician health programs offered beside a story in distress),
notifications (emails) and staff (its signals). See docs/gratitude.md.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the distress phrases, register the member and moderation views, the emails, the staff pages, the
    overview section and what happens to stories when their author deletes the account."""
    from flask_babel import lazy_gettext as _l

    from portal.access import add_staff_page
    from portal.accounts.signals import account_deleting
    from portal.caching import watch_member_tables
    from portal.early_answers import member_endpoints
    from portal.gratitude.distress import DEFAULT_FILE, load_matcher
    from portal.gratitude.emails import BUILDERS
    from portal.gratitude.events import overview_section
    from portal.gratitude.routes import bp
    from portal.gratitude.services import forget_author
    from portal.gratitude.staff_routes import bp as staff_bp
    from portal.gratitude.text import paragraphs
    from portal.notifications.kinds import add_email_kinds
    from portal.staff.signals import staff_overview

    app.extensions["distress_matcher"] = load_matcher(app.config.get("DISTRESS_PHRASES_FILE") or DEFAULT_FILE)
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    # The feed is kept for each member's browser (portal.early_answers) until one of these tables changes.
    watch_member_tables(app, "gratitude_post", "gratitude_appreciation", "gratitude_flag")
    member_endpoints(app, "gratitude.feed")
    app.add_template_filter(paragraphs, "story_paragraphs")
    add_email_kinds(app, BUILDERS)
    add_staff_page(app, "gratitude_staff.queue", _l("Moderation queue"), place=20)
    add_staff_page(app, "gratitude_staff.moderation_log", _l("Moderation log"), place=21)
    staff_overview.connect(overview_section, sender=app)
    account_deleting.connect(forget_author, sender=app)
