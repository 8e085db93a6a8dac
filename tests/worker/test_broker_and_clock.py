"""Broker selection, embedded mode (started once per process, on the first request), the clock command, and the
worker entry point (worker/actors.py), which only configures the broker and imports the features' actors."""
from __future__ import annotations

import os
import subprocess
import sys

from datetime import timedelta

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from portal import create_app
from portal.config import ROOT
from portal.notifications import broker, embedded, tasks


def test_without_redis_the_broker_is_a_stub_and_actors_follow_it(app):
    assert isinstance(dramatiq.get_broker(), StubBroker)
    assert tasks.deliver.broker is dramatiq.get_broker()
    options = tasks.deliver.options
    assert options["retry_when"] is tasks.retry_when and options["time_limit"] == 90_000  # no fixed count


def test_retry_backoff_comes_from_the_running_apps_config(app_config):
    """The backoff is read from Config when the actors get their app, not from the environment at import."""
    app_config.PORTAL_DELIVERY_MIN_BACKOFF_MS, app_config.PORTAL_DELIVERY_MAX_BACKOFF_MS = 1234, 56789
    try:
        tasks.use_app(create_app(app_config))
        assert (tasks.deliver.options["min_backoff"], tasks.deliver.options["max_backoff"]) == (1234, 56789)
    finally:
        tasks.use_app(None)


def test_the_worker_entry_point_builds_its_app_from_the_environment_on_first_use(tmp_path):
    """`dramatiq worker.actors` imports the actors without building an app; the first message builds it."""
    code = ("import worker.actors\n"
            "from portal.notifications import tasks\n"
            "assert tasks._source['app'] is None\n"
            "app = tasks.task_app()\n"
            "assert tasks.task_app() is app and 'emails' in tasks.deliver.broker.get_declared_queues()\n"
            "assert tasks.deliver.options['min_backoff'] == 2500\n"
            "print(app.name, sorted(app.blueprints)[:2])\n")
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(PORTAL_INSTANCE_DIR=str(tmp_path), SECRET_KEY="x" * 32, PORTAL_DELIVERY_MIN_BACKOFF_MS="2500")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("portal ['accounts', 'calendar_feeds']")


def test_setup_broker_is_idempotent_and_moves_actors(monkeypatch):
    first = broker.setup_broker(None, fresh=True)
    assert broker.setup_broker(None) is first
    redis_broker = broker.setup_broker("redis://127.0.0.1:1/14")  # not connected until used
    try:
        assert isinstance(redis_broker, RedisBroker) and tasks.deliver.broker is redis_broker
    finally:
        broker.setup_broker(None, fresh=True)


def test_embedded_worker_starts_on_the_first_request_once(app_config, monkeypatch):
    started = []
    monkeypatch.setitem(embedded._state, "pid", None)  # as in a process that has served no request yet
    monkeypatch.setattr(embedded, "start_embedded", lambda app: started.append(os.getpid()) or True)
    app_config.PORTAL_EMBEDDED_WORKER = True
    application = create_app(app_config)  # like the reloader's watcher process: no request, nothing starts
    assert started == []
    client = application.test_client()
    client.get("/healthz")
    embedded._state["pid"] = os.getpid()  # what the real start_embedded records
    try:
        client.get("/healthz")
        assert started == [os.getpid()]
    finally:
        embedded._state["pid"] = None


def test_embedded_mode_really_delivers(app_config, tmp_path):
    from pathlib import Path

    from sqlmodel import SQLModel

    from portal.extensions import db
    from portal.notifications.services import notify

    app_config.PORTAL_EMBEDDED_WORKER = True
    application = create_app(app_config)
    with application.app_context():
        SQLModel.metadata.create_all(db.engine)
    pid_before = embedded._state["pid"]
    try:
        assert embedded.start_embedded(application) is True
        assert embedded.start_embedded(application) is False  # once per process
        with application.app_context():
            notify(db.session, kind="account.already_registered", recipient_email="x@example.org",
                   dedupe_key="embedded")
            db.session.commit()
        outbox = Path(application.config["PORTAL_OUTBOX_DIR"])
        dramatiq.get_broker().join("emails", timeout=10_000)
        embedded._state["worker"].join()
        # user_id is None: the builder says the email no longer applies, so it is skipped, not written
        with application.app_context():
            from portal.notifications.models import Notification

            assert db.session.exec(__import__("sqlmodel").select(Notification.status)).one() == "skipped"
        assert not list(outbox.glob("*.eml"))
    finally:
        worker = embedded._state["worker"]
        if worker is not None:
            worker.stop()
        embedded._state.update(pid=pid_before, worker=None)
        tasks.use_app(None)
        broker.setup_broker(None, fresh=True)


def test_clock_once_enqueues_due_rows(runner, db, stub_broker):
    from portal.notifications.models import Notification

    db.add(Notification(kind="account.verify_email", recipient_email="a@example.org", dedupe_key="due"))
    db.commit()
    result = runner.invoke(args=["clock", "--once"])
    assert result.exit_code == 0 and "enqueue due notifications: 1" in result.output
    assert stub_broker.queues["emails"].qsize() == 1


def test_periodic_jobs_run_at_their_interval_and_failures_do_not_stop_the_tick(app):
    from datetime import timedelta

    from portal import clock

    calls = []

    def _job(session):
        calls.append(1)
        raise RuntimeError("boom")

    clock.add_job(app, "test job", every=timedelta(hours=1), run=_job)
    first = clock.tick(app)
    second = clock.tick(app)
    assert first["test job"] == "failed" and "test job" not in second and calls == [1]
    assert "enqueue due notifications" in first and "enqueue due notifications" in second


def test_each_app_has_its_own_jobs_and_their_last_runs(app_config):
    from portal import clock

    first, second = create_app(app_config), create_app(app_config)
    assert [job.name for job in clock.jobs(first)] == ["enqueue due notifications", "expire unconfirmed accounts",
                                                     "survey invitations", "retention purge"]
    assert all(a is not b for a, b in zip(clock.jobs(first), clock.jobs(second)))
    with first.app_context():
        from sqlmodel import SQLModel

        from portal.extensions import db

        SQLModel.metadata.create_all(db.engine)
    assert "retention purge" in clock.tick(first)
    assert all(job.last_run is None for job in clock.jobs(second))  # the other app's purge still runs


def test_a_job_can_be_placed_ahead_of_another(app):
    from datetime import timedelta

    import pytest

    from portal import clock

    clock.add_job(app, "first of all", every=timedelta(hours=1), run=lambda _db: None,
                  before="enqueue due notifications")
    assert [job.name for job in clock.jobs(app)][0] == "first of all"
    with pytest.raises(ValueError, match="not there"):
        clock.add_job(app, "orphan", every=timedelta(hours=1), run=lambda _db: None, before="no such job")


@pytest.mark.services
def test_a_second_clock_skips_its_tick_while_another_one_ticks(app_config, postgres_url):
    """Two clocks on one PostgreSQL never tick at once: the advisory lock held by one makes the other skip."""
    import psycopg

    from portal import clock

    app_config.DATABASE_URL = postgres_url
    app = create_app(app_config)
    calls = []
    clock.add_job(app, "count", every=timedelta(seconds=0), run=lambda _db: calls.append(1))
    with psycopg.connect(postgres_url, autocommit=True) as other_clock:
        other_clock.execute("SELECT pg_advisory_lock(%s)", (clock.CLOCK_LOCK_KEY,))
        assert clock.tick(app) == {} and calls == []
        other_clock.execute("SELECT pg_advisory_unlock(%s)", (clock.CLOCK_LOCK_KEY,))
    assert "count" in clock.tick(app) and calls == [1]
    with app.app_context():
        from portal.extensions import db

        db.dispose()
