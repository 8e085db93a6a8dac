"""`flask --app portal purge`: the retention purge, on demand (the clock runs the same function)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.registrations.retention import run_retention_purge


@click.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Retention in days (default: PORTAL_RETENTION_DAYS).")
@with_appcontext
def purge_command(days: int | None) -> None:
    """Delete the registrations of sessions that ended more than the retention period ago."""
    report = run_retention_purge(retention_days=days)
    click.echo(f"Deleted {report.registrations} registrations and {report.notifications} notifications.")
