"""The Dramatiq broker: Redis from REDIS_URL; without it, embedded mode.

Embedded mode (REDIS_URL unset, PORTAL_EMBEDDED_WORKER=1): a StubBroker plus Dramatiq worker threads and the
clock thread inside the web process. They start on the first request the process serves, once per process: the
Werkzeug reloader's watcher process never serves a request, so it never starts a second set.

The broker is process-wide (Dramatiq keeps one global broker). `setup_broker(url)` is idempotent for the same URL
and moves already-declared actors to a new broker when the URL changes (tests switch between Redis and stub).
"""
from __future__ import annotations

import logging
import os
import threading

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

log = logging.getLogger(__name__)
EMBEDDED_WORKER_THREADS = 2

_lock = threading.RLock()
_state: dict = {"url": None, "broker": None, "embedded_pid": None, "embedded_worker": None}


def make_broker(redis_url: str | None) -> dramatiq.Broker:
    """A RedisBroker with short socket timeouts (a down Redis must not hang a web request), or a StubBroker."""
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=10)
        return RedisBroker(client=client)
    return StubBroker()


def setup_broker(redis_url: str | None, *, fresh: bool = False) -> dramatiq.Broker:
    """Make the process-wide broker for this URL (kept when it already is; `fresh` forces a new one)."""
    with _lock:
        current = _state["broker"]
        if current is not None and _state["url"] == redis_url and not fresh:
            return current
        broker = make_broker(redis_url)
        if current is not None:
            for name in current.get_declared_actors():
                actor = current.get_actor(name)
                actor.broker = broker
                broker.declare_actor(actor)
        dramatiq.set_broker(broker)
        _state.update(url=redis_url, broker=broker)
        return broker


def current_broker() -> dramatiq.Broker:
    """The process-wide broker."""
    return _state["broker"] or setup_broker(os.environ.get("REDIS_URL") or None)


def start_embedded(app) -> bool:
    """Start the in-process worker threads and clock for `app`, once per process; True when started now."""
    with _lock:
        if _state["embedded_pid"] == os.getpid():
            return False
        from portal import clock
        from worker import actors

        actors.use_app(app)
        broker = setup_broker(None)
        broker.emit_after("process_boot")
        worker = dramatiq.Worker(broker, worker_threads=EMBEDDED_WORKER_THREADS)
        worker.start()
        threading.Thread(target=clock.run_forever, args=(app,), name="portal-clock", daemon=True).start()
        _state.update(embedded_pid=os.getpid(), embedded_worker=worker)
        log.info("Embedded worker (%d threads) and clock started in process %d", EMBEDDED_WORKER_THREADS,
                 os.getpid())
        return True


def init_app(app) -> None:
    """Point the broker at the app's REDIS_URL; in embedded mode, start the worker on the first request."""
    setup_broker(app.config.get("REDIS_URL"))
    if app.config.get("REDIS_URL") or not app.config.get("PORTAL_EMBEDDED_WORKER"):
        return

    @app.before_request
    def _start_embedded_worker() -> None:
        if _state["embedded_pid"] != os.getpid():
            start_embedded(app)


setup_broker(os.environ.get("REDIS_URL") or None)
