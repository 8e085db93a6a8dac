"""Broker selection, embedded mode (started once per process, on the first request), the clock command."""
from __future__ import annotations

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from portal import create_app
from worker import actors, broker


def test_without_redis_the_broker_is_a_stub_and_actors_follow_it(app):
    assert isinstance(dramatiq.get_broker(), StubBroker)
    assert actors.deliver.broker is dramatiq.get_broker()
    options = actors.deliver.options
    assert options["max_retries"] == 7 and options["time_limit"] == 90_000
    assert options["min_backoff"] > 0 and options["max_backoff"] >= options["min_backoff"]


def test_setup_broker_is_idempotent_and_moves_actors(monkeypatch):
    first = broker.setup_broker(None, fresh=True)
    assert broker.setup_broker(None) is first
    redis_broker = broker.setup_broker("redis://127.0.0.1:1/14")  # not connected until used
    try:
        assert isinstance(redis_broker, RedisBroker) and actors.deliver.broker is redis_broker
    finally:
        broker.setup_broker(None, fresh=True)


def test_embedded_worker_starts_on_the_first_request_once(app_config, monkeypatch):
    started = []
    monkeypatch.setitem(broker._state, "embedded_pid", None)  # as in a process that has served no request yet
    monkeypatch.setattr(broker, "start_embedded", lambda app: started.append(os.getpid()) or True)
    app_config.PORTAL_EMBEDDED_WORKER = True
    application = create_app(app_config)  # like the reloader's watcher process: no request, nothing starts
    assert started == []
    client = application.test_client()
    client.get("/healthz")
    broker._state["embedded_pid"] = os.getpid()  # what the real start_embedded records
    try:
        client.get("/healthz")
        assert started == [os.getpid()]
    finally:
        broker._state["embedded_pid"] = None


def test_embedded_mode_really_delivers(app_config, tmp_path):
    from pathlib import Path

    from sqlmodel import SQLModel

    from portal.extensions import db
    from portal.notifications.services import notify

    app_config.PORTAL_EMBEDDED_WORKER = True
    application = create_app(app_config)
    with application.app_context():
        SQLModel.metadata.create_all(db.engine)
    pid_before = broker._state["embedded_pid"]
    try:
        assert broker.start_embedded(application) is True
        assert broker.start_embedded(application) is False  # once per process
        with application.app_context():
            notify(db.session, kind="account.already_registered", recipient_email="x@example.org",
                   dedupe_key="embedded")
            db.session.commit()
        outbox = Path(application.config["PORTAL_OUTBOX_DIR"])
        dramatiq.get_broker().join("emails", timeout=10_000)
        broker._state["embedded_worker"].join()
        # user_id is None: the builder says the email no longer applies, so it is skipped, not written
        with application.app_context():
            from portal.notifications.models import Notification

            assert db.session.exec(__import__("sqlmodel").select(Notification.status)).one() == "skipped"
        assert not list(outbox.glob("*.eml"))
    finally:
        worker = broker._state["embedded_worker"]
        if worker is not None:
            worker.stop()
        broker._state.update(embedded_pid=pid_before, embedded_worker=None)
        actors.use_app(None)
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

    @clock.periodic_job("test job", every=timedelta(hours=1))
    def _job(session):
        calls.append(1)
        raise RuntimeError("boom")

    try:
        first = clock.tick(app)
        second = clock.tick(app)
    finally:
        clock.PERIODIC_JOBS[:] = [job for job in clock.PERIODIC_JOBS if job.name != "test job"]
    assert first["test job"] == "failed" and "test job" not in second and calls == [1]
    assert "enqueue due notifications" in first and "enqueue due notifications" in second
