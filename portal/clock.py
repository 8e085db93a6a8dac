"""The clock: every ~30 s, enqueue what is due, and run the periodic jobs features register.

`flask --app portal clock` runs it as its own process (Procfile `clock`); `clock --once` runs one tick; in
embedded mode it is a thread of the web process. Nothing is lost when Redis restarts empty or a message is
dropped: every tick sends the broker each notification that is due, unsent and not held by a worker.

Features add work with `@periodic_job("name", every=timedelta(...))`; the function gets the database session and
runs inside the clock's app context. The retention purge of registrations belongs here (registration feature):

    @periodic_job("retention purge", every=timedelta(hours=1))
    def purge_old_registrations(db): ...

Register jobs in a module the feature's package imports, so the clock process knows them after create_app().
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from portal.extensions import db, utcnow

log = logging.getLogger(__name__)
TICK_SECONDS = 30


@dataclass
class PeriodicJob:
    """A job the clock runs at most once every `every`."""

    name: str
    every: timedelta
    run: Callable[[Session], object]
    last_run: datetime | None = None


PERIODIC_JOBS: list[PeriodicJob] = []


def periodic_job(name: str, *, every: timedelta) -> Callable:
    """Register a function `(db) -> anything` that the clock runs every `every` (at tick granularity)."""

    def register(function: Callable[[Session], object]) -> Callable[[Session], object]:
        if any(job.name == name for job in PERIODIC_JOBS):
            raise ValueError(f"periodic job {name!r} registered twice")
        PERIODIC_JOBS.append(PeriodicJob(name=name, every=every, run=function))
        return function

    return register


@periodic_job("enqueue due notifications", every=timedelta(seconds=0))
def enqueue_due_notifications(session: Session) -> int:
    """Send the broker every notification that is due and unsent; returns how many."""
    from portal.notifications.dispatch import enqueue
    from portal.notifications.services import due_and_unsent

    return enqueue(due_and_unsent(session))


def tick(app) -> dict[str, object]:
    """Run every job whose time has come, each in its own app context; one failing job does not stop the rest."""
    results: dict[str, object] = {}
    now = utcnow()
    for job in PERIODIC_JOBS:
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


def run_forever(app, *, interval: float = TICK_SECONDS, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until `stop` is set."""
    stop = stop or threading.Event()
    while not stop.is_set():
        started = time.monotonic()
        try:
            tick(app)
        except Exception:  # noqa: BLE001 - the clock must keep going
            log.exception("Clock tick failed")
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
