"""Delivery rate through the real path: outbox rows → Redis → ONE `dramatiq worker.actors` process (4 threads)
→ SMTP, against a plain `smtplib` loop sending the very same messages to the same server, one connection per
message. Target: ratio ≥ 0.5. The worker's threads each keep their SMTP session during a burst, so it also prints
the ratio to the same loop on one connection, which is the faster baseline.

Needs Redis (BENCH_REDIS_URL, else PORTAL_TEST_REDIS_URL; the database number is flushed) and uses PostgreSQL
when BENCH_DATABASE_URL or PORTAL_TEST_DATABASE_URL is set (a throwaway database), else a SQLite file. SMTP is a
local aiosmtpd (tests/smtp_sink.py). Usage: python -m bench.delivery_rate [COUNT]  (default 1000)
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from portal.config import ROOT

BIN = Path(sys.executable).parent
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1000
THREADS = (4,)


def _database(tmp: Path) -> tuple[str, callable]:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp / 'bench.db'}", lambda: None
    import psycopg

    name = f"portal_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base.rsplit("/", 1)[0] + "/" + name, drop


def _run(threads: int, redis_url: str, tmp: Path) -> tuple[float, float, float]:
    import redis
    from sqlmodel import SQLModel

    from portal import create_app
    from portal.accounts import emails
    from portal.accounts.models import User
    from portal.config import TestConfig
    from portal.extensions import db
    from portal.notifications.services import notify
    from tests.smtp_sink import SMTPSink

    redis.Redis.from_url(redis_url).flushdb()
    database_url, drop = _database(tmp)
    config = TestConfig(tmp)
    config.DATABASE_URL, config.REDIS_URL = database_url, redis_url
    app = create_app(config)
    sink = SMTPSink.on_free_port().start()
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": database_url, "SMTP_URL": sink.url,
           "SECRET_KEY": config.SECRET_KEY, "PORTAL_INSTANCE_DIR": str(tmp / "instance")}
    log = (tmp / f"worker-{threads}.log").open("wb")
    worker = subprocess.Popen([str(BIN / "dramatiq"), "worker.actors", "--processes", "1", "--threads",
                               str(threads)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        with app.app_context():
            SQLModel.metadata.create_all(db.engine)
            session = db.session
            users = [User(email=f"bench{i}@example.org", password_hash="x", first_name="Bench", last_name=str(i),
                          cma_id=str(10_000_000 + i), category="resident", province="ON") for i in range(COUNT + 1)]
            session.add_all(users)
            session.commit()
            # One email first, outside the timing: the worker builds its app on its first message.
            warm_up, users = users[0], users[1:]
            notify(session, kind=emails.VERIFY_EMAIL, recipient_email=warm_up.email, user_id=warm_up.id,
                   dedupe_key=f"bench:{warm_up.id}")
            session.commit()
            sink.wait_for(1, timeout=120)
            sink.messages.clear()
            started = time.perf_counter()
            for user in users:
                notify(session, kind=emails.VERIFY_EMAIL, recipient_email=user.email, user_id=user.id,
                       dedupe_key=f"bench:{user.id}")
            session.commit()  # after commit: COUNT messages go to Redis
            try:
                received = sink.wait_for(COUNT, timeout=float(os.environ.get("BENCH_EMAIL_TIMEOUT", "600")))
            except AssertionError:
                log.flush()
                sys.exit(f"delivery_rate: the worker did not deliver; its log:\n"
                         f"{(tmp / f'worker-{threads}.log').read_text(errors='replace')[-3000:]}")
            elapsed = time.perf_counter() - started
            db.dispose()
        return COUNT / elapsed, _plain_loop(received, sink), _plain_loop(received, sink, one_connection=True)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:  # never leave a worker consuming the shared Redis database
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        log.close()
        sink.stop()
        drop()


def _plain_loop(received, sink, *, one_connection: bool = False) -> float:
    """Emails per second for a bare smtplib loop sending the same messages to the same server: one connection per
    message (the baseline of the target, since the first run of this bench), or one for them all (the fastest a
    single sender can go)."""
    import smtplib

    host, port = sink.url.removeprefix("smtp://").rsplit(":", 1)
    started = time.perf_counter()
    if one_connection:
        with smtplib.SMTP(host, int(port), timeout=30) as connection:
            for message in received:
                connection.sendmail(message.mail_from, message.rcpt_tos, message.raw)
    else:
        for message in received:
            with smtplib.SMTP(host, int(port), timeout=30) as connection:
                connection.sendmail(message.mail_from, message.rcpt_tos, message.raw)
    return len(received) / (time.perf_counter() - started)


def main() -> None:
    """Print the delivery rate of one worker process, the plain loop's, and their ratio."""
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("PORTAL_TEST_REDIS_URL")
    if not redis_url:
        print("delivery_rate: set BENCH_REDIS_URL or PORTAL_TEST_REDIS_URL (its database is flushed); skipped")
        return
    database = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("PORTAL_TEST_DATABASE_URL")
    backend = "PostgreSQL" if database else "SQLite"
    for threads in THREADS:
        with tempfile.TemporaryDirectory() as tmp:
            rate, plain, one_session = _run(threads, redis_url, Path(tmp))
        print(f"delivery_rate: {COUNT} emails, 1 worker process x {threads} threads, {backend}, "
              f"SMTP on localhost: {rate:.1f} emails/s; plain smtplib loop, same messages, a connection each: "
              f"{plain:.1f} emails/s; ratio {rate / plain:.2f} (target >= 0.5); the loop on one connection: "
              f"{one_session:.1f} emails/s, ratio {rate / one_session:.2f}")


if __name__ == "__main__":
    main()
