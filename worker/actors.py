"""Thin actors: load by id, call the portal's services, safe to run twice.

Run a worker with `dramatiq worker.actors` (REDIS_URL, DATABASE_URL, SMTP_URL... from the environment). The
Flask app is created once per worker process, on the first message (not at import), and every message runs in
its own app context, so each gets a fresh database session.
"""
from __future__ import annotations

import threading

import dramatiq

from portal.notifications import delivery
from worker.broker import current_broker

current_broker()  # declare the actors below on the broker REDIS_URL names

_app = None
_app_lock = threading.Lock()


def use_app(app) -> None:
    """Run actors in this app (embedded mode and tests); the worker process otherwise builds its own."""
    global _app
    _app = app


def worker_app():
    """The app actors run in, created from the environment on first use."""
    global _app
    with _app_lock:
        if _app is None:
            from portal import create_app

            _app = create_app()
        return _app


@dramatiq.actor(queue_name="emails", max_retries=delivery.MAX_ATTEMPTS - 1, min_backoff=delivery.MIN_BACKOFF_MS,
                max_backoff=delivery.MAX_BACKOFF_MS, time_limit=90_000)
def deliver(notification_id: int) -> None:
    """Send one outbox row (at most once; see portal.notifications.delivery). Raises to be retried."""
    with worker_app().app_context():
        delivery.deliver(notification_id)
