"""Registration for sessions: places, waiting list, cancellations, reminders, private calendar feeds."""
from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("registrations", __name__, url_prefix="/<lang:lang>")
# The private feed sits outside the language prefix: calendar apps keep the URL, and the member's own language
# (their profile) decides the feed's words.
feed_bp = Blueprint("calendar_feeds", __name__)


def init_app(app: Flask) -> None:
    """Register the routes, the email builders (every process that delivers mail builds the app), the clock's
    purge job, the account-deletion hook and the purge command."""
    from portal.registrations import emails, routes, services  # noqa: F401  (builders, views, deletion hook)
    from portal.registrations.cli import purge_command  # also registers the clock's purge job
    from portal.registrations.page_context import my_registrations

    app.register_blueprint(bp)
    app.register_blueprint(feed_bp)
    app.jinja_env.globals["my_registrations"] = my_registrations
    app.cli.add_command(purge_command)
