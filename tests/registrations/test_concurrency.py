"""Capacity under real concurrency: threads, each with its own database session, on SQLite (file, WAL) and on
PostgreSQL. 100 members at a 30-place session: exactly 30 confirmed, 70 waitlisted at 1..70 in order."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from portal import create_app
from portal.accounts.models import User
from portal.extensions import db as portal_db
from portal.extensions import utcnow
from portal.notifications.models import Notification
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession
from tests.registrations.registration_helpers import cancel, register
from tests.signin import sign_in_client


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def backend_app(request, app_config, tmp_path):
    """An app on a migrated (`db upgrade`) SQLite file or PostgreSQL database."""
    if request.param == "postgresql":
        app_config.DATABASE_URL = request.getfixturevalue("postgres_url")
    else:
        app_config.DATABASE_URL = f"sqlite:///{tmp_path / 'concurrency.db'}"
    application = create_app(app_config)
    result = application.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield application
    with application.app_context():
        portal_db.dispose()


def seed(app, *, members: int, capacity: int = 30) -> tuple[int, list[User]]:
    """A session a week ahead and `members` verified members (a placeholder password hash: nobody signs in)."""
    with app.app_context():
        db = portal_db.session
        starts = utcnow() + timedelta(days=7)
        session = SupportSession(title_en="Busy session", description_en="Popular.", format="peer_support",
                                 moderator="Dr. Load", starts_at=starts, ends_at=starts + timedelta(hours=1),
                                 capacity=capacity, zoom_url="https://zoom.example.invalid/j/1")
        users = [User(email=f"load{i}@example.org", password_hash="-", first_name=f"Load{i}", last_name="Test",
                      cma_id=str(900000 + i), category="resident", province="ON", email_verified_at=utcnow())
                 for i in range(members)]
        db.add(session)
        db.add_all(users)
        db.commit()
        return session.id, users


def fire(app, calls) -> list:
    """Run each call in its own thread and app context, all released at once; re-raise the first error."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            with app.app_context():
                barrier.wait()
                results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


def state(app, session_id):
    """The session's registrations and the kinds of email queued; checks on the way that the session's confirmed
    count (places_taken) matches its confirmed rows."""
    with app.app_context():
        db = portal_db.session
        rows = db.exec(select(Registration).where(Registration.session_id == session_id)
                       .order_by(Registration.id)).all()
        kinds = Counter(db.exec(select(Notification.kind)).all())
        places_taken = db.get(SupportSession, session_id).places_taken
    assert places_taken == sum(row.status == "confirmed" for row in rows)
    return rows, kinds


def assert_strict_waitlist(rows, expected: int):
    waitlisted = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.waitlist_position)
    assert [r.waitlist_position for r in waitlisted] == list(range(1, expected + 1))
    # Strict order: the position follows the order in which places were taken (ids come from inside the lock).
    assert [r.id for r in waitlisted] == sorted(r.id for r in waitlisted)


def test_100_concurrent_registrations_fill_30_places_and_waitlist_70_in_order(backend_app):
    session_id, users = seed(backend_app, members=100)
    outcomes = fire(backend_app, [lambda u=u: register(session_id=session_id, user=u) for u in users])
    assert Counter(o.result for o in outcomes) == {"confirmed": 30, "waitlisted": 70}
    assert all(o.changed for o in outcomes)
    assert sorted(o.position for o in outcomes if o.position) == list(range(1, 71))

    rows, kinds = state(backend_app, session_id)
    assert len(rows) == 100 and len({r.user_id for r in rows}) == 100  # no duplicate
    assert Counter(r.status for r in rows) == {"confirmed": 30, "waitlisted": 70}
    assert_strict_waitlist(rows, 70)
    assert kinds == {"registration_confirmed": 30, "waitlisted": 70, "reminder_24h": 30, "reminder_1h": 30}


def test_concurrent_double_clicks_register_once(backend_app):
    session_id, (user,) = seed(backend_app, members=1)
    outcomes = fire(backend_app, [lambda: register(session_id=session_id, user=user) for _ in range(10)])
    assert [o.result for o in outcomes] == ["confirmed"] * 10
    assert sum(o.changed for o in outcomes) == 1
    rows, kinds = state(backend_app, session_id)
    assert len(rows) == 1
    assert kinds == {"registration_confirmed": 1, "reminder_24h": 1, "reminder_1h": 1}


def test_concurrent_cancellations_and_registrations_keep_capacity_and_order(backend_app):
    session_id, users = seed(backend_app, members=60)
    for user in users[:50]:  # 30 confirmed, 20 waiting
        with backend_app.app_context():
            register(session_id=session_id, user=user)
    leaving, newcomers = users[:10], users[50:]
    calls = [lambda u=u: cancel(session_id=session_id, user=u) for u in leaving]
    calls += [lambda u=u: register(session_id=session_id, user=u) for u in newcomers]
    fire(backend_app, calls)
    rows, kinds = state(backend_app, session_id)
    by_user = {r.user_id: r for r in rows}
    assert Counter(r.status for r in rows) == {"confirmed": 30, "waitlisted": 20, "cancelled": 10}
    # The ten promoted are exactly the first ten who were waiting, whatever the interleaving.
    assert {u.id for u in users[30:40]} == {uid for uid, r in by_user.items() if r.status == "confirmed"} - {
        u.id for u in users[10:30]}
    assert_strict_waitlist(rows, 20)
    assert kinds["promoted"] == 10 and kinds["cancellation_confirmed"] == 10


@pytest.mark.services
def test_postgresql_locks_the_session_row(app_config, postgres_url):
    """The lock is real: a second transaction cannot take the session row while the first holds it."""
    import psycopg

    app_config.DATABASE_URL = postgres_url
    application = create_app(app_config)
    assert application.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    session_id, _users = seed(application, members=0)
    from portal.registrations.locking import lock_support_session

    with application.app_context(), portal_db.new_session(write=True) as tx:
        assert lock_support_session(tx, session_id) is not None
        with psycopg.connect(postgres_url, autocommit=True) as other:
            other.execute("SET lock_timeout = '200ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(f"SELECT id FROM support_session WHERE id = {session_id} FOR UPDATE")
        tx.exec(text("SELECT 1"))
    with application.app_context():
        portal_db.dispose()


@pytest.mark.services
def test_a_stuck_lock_answers_try_again_in_the_members_language(app_config, postgres_url):
    """Another transaction holds the session's row lock: the register POST gives up after PORTAL_LOCK_TIMEOUT_MS
    with the 503 page in French and Retry-After, instead of hanging; nothing is written."""
    import time

    import psycopg

    app_config.DATABASE_URL = postgres_url
    app_config.PORTAL_LOCK_TIMEOUT_MS = 300
    application = create_app(app_config)
    assert application.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    session_id, (member,) = seed(application, members=1)
    client = application.test_client()
    sign_in_client(application, client, member.id)
    page = client.get("/fr/faq").get_data(as_text=True)
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    with psycopg.connect(postgres_url) as holder:
        holder.execute(f"SELECT id FROM support_session WHERE id = {session_id} FOR UPDATE")
        started = time.monotonic()
        response = client.post(f"/fr/sessions/{session_id}/registration", data={"csrf_token": token})
        waited = time.monotonic() - started
        holder.rollback()
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 5
    assert "Le portail est momentanément occupé" in response.get_data(as_text=True)
    assert waited < 3
    rows, _kinds = state(application, session_id)
    assert rows == []
    with application.app_context():
        portal_db.dispose()


def test_the_lock_refuses_to_run_outside_a_write_transaction(app, make_session):
    """On SQLite a deferred transaction that reads first fails under contention instead of queueing: refused."""
    from portal.registrations.locking import lock_support_session

    session = make_session()
    with app.app_context(), portal_db.new_session() as reading:
        with pytest.raises(RuntimeError, match="write transaction"):
            lock_support_session(reading, session.id)
