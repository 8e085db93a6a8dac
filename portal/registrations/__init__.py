"""Registration for sessions: places, waiting list, cancellations, reminders, private calendar feeds."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the email builders (every process that delivers mail builds the app) and the purge command."""
    from portal.registrations import emails  # noqa: F401  (registers the builders)
    from portal.registrations.cli import purge_command

    app.cli.add_command(purge_command)
