"""Retention: a session's registrations, and the emails about them, go PORTAL_RETENTION_DAYS after it ends."""
from __future__ import annotations

from datetime import timedelta

from tests.registrations.registration_helpers import outbox, register, registrations

from portal.registrations.retention import purge_registrations
from tests.when import in_days


def _ended_session(db, make_session, make_user, *, ended_days_ago: float):
    """A session with one registration (and its three emails) that ended `ended_days_ago` days ago."""
    from portal.extensions import utcnow

    session = make_session(starts_at=in_days(3))
    register(session_id=session.id, user=make_user())
    db.rollback()
    session.ends_at = utcnow() - timedelta(days=ended_days_ago)
    session.starts_at = session.ends_at - timedelta(hours=1)
    db.add(session)
    db.commit()
    return session


def test_purge_deletes_after_retention_and_not_before(db, make_session, make_user):
    from portal.extensions import utcnow

    session = make_session(starts_at=in_days(3))
    register(session_id=session.id, user=make_user())
    keep = make_session(starts_at=in_days(5))
    register(session_id=keep.id, user=make_user())
    now = session.ends_at + timedelta(days=30)

    report = purge_registrations(db, now=now, retention_days=30)  # exactly 30 days: not yet
    db.commit()
    assert (report.registrations, report.notifications) == (0, 0)
    assert len(registrations(db, session.id)) == 1

    report = purge_registrations(db, now=now + timedelta(seconds=1), retention_days=30)
    db.commit()
    assert (report.registrations, report.notifications) == (1, 3)
    assert registrations(db, session.id) == []
    assert {n.session_id for n in outbox(db)} == {keep.id}
    assert len(registrations(db, keep.id)) == 1
    assert utcnow() < now  # the clock passed in decides, not the wall clock


def test_purge_command_uses_the_configured_retention(app, db, make_session, make_user, runner):
    old = _ended_session(db, make_session, make_user, ended_days_ago=31)
    recent = _ended_session(db, make_session, make_user, ended_days_ago=29)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 registrations and 3 notifications." in result.output
    assert registrations(db, old.id) == [] and len(registrations(db, recent.id)) == 1
    app.config["PORTAL_RETENTION_DAYS"] = 7
    assert "Deleted 1 registrations" in runner.invoke(args=["purge"]).output
    assert registrations(db, recent.id) == []
    assert "Deleted 0 registrations" in runner.invoke(args=["purge", "--days", "0"]).output
