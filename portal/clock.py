"""The clock: every ~30 s, run the periodic jobs the features gave the app.

`flask --app portal clock` runs it as its own process (Procfile `clock`); `clock --once` runs one tick; in
embedded mode it is a thread of the web process. Each feature adds its jobs in its own `init_app(app)`:

    clock.add_job(app, "retention purge", every=timedelta(hours=1), run=hourly_retention_purge)

The jobs and the time each last ran belong to that app (`app.extensions["clock"]`), so two apps in one process
(tests, a worker beside a web app) never share or skip each other's runs. A job gets the app context's database
session and owns its transaction: it commits what it changes.

Exactly one clock should run per deployment. If a second one is started anyway (two machines both running the
Procfile's `clock`), their ticks never overlap: on PostgreSQL each tick first takes a session-level advisory lock
(`pg_try_advisory_lock`, released at the end of the tick or when the process dies) and a clock that cannot get it
skips that tick. The jobs are idempotent besides (due emails are claimed row by row in the outbox; the purge
deletes what is expired), so a tick run by either clock does the same work once. SQLite runs on one machine only.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import text
from sqlmodel import Session

from portal.extensions import db, utcnow

log = logging.getLogger(__name__)
TICK_SECONDS = 30
# The advisory lock a tick holds on PostgreSQL (any constant the app uses for nothing else).
CLOCK_LOCK_KEY = 0x57C10C  # "WC clock"


@dataclass
class PeriodicJob:
    """A job the clock runs at most once every `every`."""

    name: str
    every: timedelta
    run: Callable[[Session], object]
    last_run: datetime | None = None


def jobs(app: Flask) -> list[PeriodicJob]:
    """The app's periodic jobs, in the order they were added."""
    return app.extensions.setdefault("clock", [])


def add_job(app: Flask, name: str, *, every: timedelta, run: Callable[[Session], object],
            before: str | None = None) -> PeriodicJob:
    """Give the app a job `run(db)` that the clock runs every `every` (at tick granularity). A tick runs the jobs in
    order: `before` names a job this one must run ahead of in the same tick (it must already be there)."""
    if any(job.name == name for job in jobs(app)):
        raise ValueError(f"periodic job {name!r} added twice")
    job = PeriodicJob(name=name, every=every, run=run)
    if before is None:
        jobs(app).append(job)
    else:
        names = [existing.name for existing in jobs(app)]
        if before not in names:
            raise ValueError(f"periodic job {before!r} is not there to run {name!r} before it")
        jobs(app).insert(names.index(before), job)
    return job


@contextmanager
def exclusive_tick(app: Flask) -> Iterator[bool]:
    """Yield whether this clock may tick now: True on SQLite, on PostgreSQL only while it holds the clock's
    advisory lock (another clock ticking holds it)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": CLOCK_LOCK_KEY}).scalar())
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": CLOCK_LOCK_KEY})
                connection.commit()


def tick(app: Flask) -> dict[str, object]:
    """Run every job whose time has come, each in its own app context; one failing job does not stop the rest.
    Skipped (empty result) while another clock ticks (see exclusive_tick)."""
    with exclusive_tick(app) as mine:
        if not mine:
            log.info("Another clock is ticking; this one skips its tick")
            return {}
        return _run_due_jobs(app)


def _run_due_jobs(app: Flask) -> dict[str, object]:
    results: dict[str, object] = {}
    now = utcnow()
    for job in jobs(app):
        if job.last_run is not None and now - job.last_run < job.every:
            continue
        job.last_run = now
        with app.app_context():
            try:
                results[job.name] = job.run(db.session)
            except Exception:  # noqa: BLE001 - logged; the next tick tries again
                log.exception("Clock job %r failed", job.name)
                results[job.name] = "failed"
    return results


def run_forever(app: Flask, *, interval: float = TICK_SECONDS, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until `stop` is set."""
    stop = stop or threading.Event()
    while not stop.is_set():
        started = time.monotonic()
        try:
            tick(app)
        except Exception:  # noqa: BLE001 - the clock must keep going
            log.exception("Clock tick failed")
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
