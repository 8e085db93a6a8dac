"""Registration burst on PostgreSQL: 300 members at once for one 30-place session (the hot row every request
locks). Target: it settles in < 5 s with exactly 30 confirmed, the rest waitlisted, and 0 errors. Also the same
registrations made one after another, for comparison.

    python -m bench.registration_throughput [--rounds 3] [--concurrency 300]

Uses BENCH_DATABASE_URL or PORTAL_TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test) to
create a throwaway database, migrated with `db upgrade`, and drops it afterwards. Each registration is the
whole service call: lock, checks, count, insert, and its outbox rows (confirmation or waitlist, reminders).
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg

from portal import create_app
from portal.accounts.models import User
from portal.config import TestConfig
from portal.extensions import db as portal_db
from portal.extensions import utcnow
from portal.registrations.services import register
from portal.sessions.models import SupportSession

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _database(base: str) -> tuple[str, str]:
    """Create a throwaway database next to `base`; returns (its URL, the admin URL)."""
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    name = f"portal_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}", admin


def _seed(app, *, rounds: int, members: int) -> tuple[list[int], list[User]]:
    with app.app_context():
        db = portal_db.session
        starts = utcnow() + timedelta(days=7)
        sessions = [SupportSession(title_en=f"Bench {i}", description_en="-", format="peer_support", moderator="-",
                                   starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=30,
                                   zoom_url="https://zoom.example.invalid/j/1") for i in range(rounds * 2)]
        users = [User(email=f"bench{i}@example.org", password_hash="-", first_name="B", last_name="B",
                      cma_id=str(800000 + i), category="resident", province="ON", email_verified_at=utcnow())
                 for i in range(members)]
        db.add_all(sessions + users)
        db.commit()
        return [s.id for s in sessions], users


def _register(session_id: int, user: User) -> None:
    """One registration in its own transaction, committed, as the register view does it."""
    with portal_db.new_session(write=True) as tx:
        register(tx, session_id=session_id, user=user)
        tx.commit()


def _concurrent(app, session_id: int, users: list[User]) -> float:
    """Seconds for len(users) threads, released together, to register at one session."""
    barrier = threading.Barrier(len(users) + 1)
    errors: list[BaseException] = []

    def run(user):
        try:
            with app.app_context():
                barrier.wait()
                _register(session_id, user)
        except BaseException as exc:  # noqa: BLE001 - reported after the round
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} registrations failed: {errors[0]!r}")
    return elapsed


def _counts(app, session_id: int) -> tuple[int, int]:
    """(confirmed, waitlisted) registrations of the session, from the database."""
    from sqlmodel import func, select

    from portal.registrations.models import Registration

    with app.app_context():
        rows = portal_db.session.exec(select(Registration.status, func.count()).where(
            Registration.session_id == session_id).group_by(Registration.status)).all()
    by_status = dict(rows)
    return by_status.get("confirmed", 0), by_status.get("waitlisted", 0)


def _sequential(app, session_id: int, users: list[User]) -> float:
    started = time.perf_counter()
    with app.app_context():
        for user in users:
            _register(session_id, user)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    """Print registrations per second, concurrent and sequential, per round and as medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=300)
    args = parser.parse_args(argv)
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("PORTAL_TEST_DATABASE_URL") or DEFAULT_URL
    try:
        url, admin = _database(base)
    except psycopg.OperationalError as exc:
        print(f"registration_throughput: no PostgreSQL at {base} (set BENCH_DATABASE_URL): {exc}; skipped")
        return
    config = TestConfig(Path(tempfile.mkdtemp(prefix="portal-bench-")))
    config.DATABASE_URL = url
    # 300 threads of one process share its pool of 30 connections and queue for them (the pool wait is 30 s; a web
    # process never runs more requests at once than it has threads).
    app = create_app(config)
    try:
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        session_ids, users = _seed(app, rounds=args.rounds, members=args.concurrency)
        n = args.concurrency
        concurrent, sequential = [], []
        failures = []
        for i in range(args.rounds):
            seconds = _concurrent(app, session_ids[2 * i], users)
            concurrent.append(n / seconds)
            confirmed, waitlisted = _counts(app, session_ids[2 * i])
            sequential.append(n / _sequential(app, session_ids[2 * i + 1], users))
            ok = seconds < 5 and confirmed == 30 and confirmed + waitlisted == n
            failures += [] if ok else [i + 1]
            print(f"round {i + 1}: {n} at once settled in {seconds:.2f} s ({concurrent[-1]:.0f}/s): "
                  f"{confirmed} confirmed, {waitlisted} waitlisted, 0 errors {'OK' if ok else 'MISSED'}; "
                  f"{sequential[-1]:7.1f}/s one at a time")
        c, s = statistics.median(concurrent), statistics.median(sequential)
        print(f"median: {c:.1f} registrations/s at {n} concurrent requests (PostgreSQL, pool 10+20), "
              f"{s:.1f}/s sequential; ratio {c / s:.2f}; target (< 5 s, exactly 30 confirmed, 0 errors) "
              f"{'met in every round' if not failures else f'MISSED in rounds {failures}'}")
    finally:
        with app.app_context():
            portal_db.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
