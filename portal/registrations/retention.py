"""Retention: a session's registrations (and the emails about them) are deleted PORTAL_RETENTION_DAYS after it
ends. Nothing else about who took part is kept: there is no attendance record of any kind.

The clock runs `hourly_retention_purge` (registrations.init_app adds it), `flask --app portal purge` runs the same
purge on demand; both own their transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete
from sqlmodel import Session, select

from portal.extensions import db as portal_db
from portal.extensions import utcnow
from portal.notifications.models import Notification
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession


@dataclass
class PurgeReport:
    """How much a purge deleted."""

    registrations: int
    notifications: int


def _expired(*, now: datetime, retention_days: int):
    ended = select(SupportSession.id).where(SupportSession.ends_at < now - timedelta(days=retention_days))
    return ended, select(Registration.id).where(Registration.session_id.in_(ended))


def purge_registrations(db: Session, *, now: datetime, retention_days: int) -> PurgeReport:
    """Delete every registration of sessions that ended more than `retention_days` before `now`, with the
    outbox rows about them (their recipient addresses link a person to a session). The caller commits."""
    ended, expired = _expired(now=now, retention_days=retention_days)
    notifications = db.exec(delete(Notification).where(Notification.registration_id.in_(expired))).rowcount
    registrations = db.exec(delete(Registration).where(Registration.session_id.in_(ended))).rowcount
    return PurgeReport(registrations=registrations or 0, notifications=notifications or 0)


def run_retention_purge(*, now: datetime | None = None, retention_days: int | None = None) -> PurgeReport:
    """The purge in its own write transaction, committed, with the app's retention period unless one is given."""
    days = current_app.config["PORTAL_RETENTION_DAYS"] if retention_days is None else retention_days
    with portal_db.new_session(write=True) as db:
        report = purge_registrations(db, now=now or utcnow(), retention_days=days)
        db.commit()
    return report


def hourly_retention_purge(db: Session) -> PurgeReport:
    """The clock's job. A cheap read first: most hours there is nothing to delete, and the purge's write
    transaction would hold SQLite's write lock (and bump snapshots) for nothing."""
    _ended, expired = _expired(now=utcnow(), retention_days=current_app.config["PORTAL_RETENTION_DAYS"])
    if db.exec(expired.limit(1)).first() is None:
        return PurgeReport(registrations=0, notifications=0)
    return run_retention_purge()
