"""The notification feature's Dramatiq actor: deliver one outbox row. Thin: load by id, call delivery, safe to
run twice.

Actors run inside an app context. The app is given, not made here: the web process (embedded mode) and the tests
call `use_app(app)`; the worker process (`dramatiq worker.actors`) calls `use_app_factory(create_app)`, and the
app is then built once, on the first message, not at import. Retries are delivery's decision: it raises
`DeliveryFailed` (a `dramatiq.Retry` carrying its capped backoff as the delay) while the email is younger than
PORTAL_DELIVERY_MAX_AGE_HOURS, so the actor retries exactly those, with no fixed number of attempts. The backoff
settings are also put on the actor, as a fallback for the Retries middleware.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

import dramatiq
from flask import Flask

import portal.notifications.delivery as delivery
from portal.notifications.broker import current_broker

current_broker()  # declare the actor below on the broker REDIS_URL names (setup_broker moves it later if needed)

_lock = threading.Lock()
_source: dict = {"app": None, "factory": None}


def use_app(app: Flask | None) -> None:
    """Run actors in this app (embedded mode, tests); None forgets it."""
    _source["app"] = app
    if app is not None:
        _configure_retries(app)


def use_app_factory(factory: Callable[[], Flask]) -> None:
    """Build the app with `factory` on the first message (the worker process)."""
    _source["factory"] = factory


def task_app() -> Flask:
    """The app actors run in."""
    with _lock:
        if _source["app"] is None:
            if _source["factory"] is None:
                raise RuntimeError("actors have no app: call use_app(app) or use_app_factory(create_app)")
            _source["app"] = _source["factory"]()
            _configure_retries(_source["app"])
        return _source["app"]


def retry_when(_retries: int, exception: BaseException) -> bool:
    """Retry what delivery says is worth retrying (it gives up itself, by the email's age), nothing else."""
    return isinstance(exception, delivery.DeliveryFailed)


@dramatiq.actor(queue_name="emails", retry_when=retry_when, time_limit=90_000)
def deliver(notification_id: int) -> None:
    """Send one outbox row (at most once; see portal.notifications.delivery). Raises to be retried."""
    with task_app().app_context():
        delivery.deliver(notification_id)


def _configure_retries(app: Flask) -> None:
    deliver.options.update(min_backoff=app.config["PORTAL_DELIVERY_MIN_BACKOFF_MS"],
                           max_backoff=app.config["PORTAL_DELIVERY_MAX_BACKOFF_MS"])
