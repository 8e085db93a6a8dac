"""The Dramatiq broker: Redis from REDIS_URL; without it, a StubBroker (embedded mode, tests).

The broker is process-wide (Dramatiq keeps one global broker, and actors are declared on it when their module is
imported). `setup_broker(url)` is idempotent for the same URL and moves already-declared actors to a new broker
when the URL changes (tests switch between Redis and the stub). Embedded worker threads: embedded.py.
"""
from __future__ import annotations

import os
import threading

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

_lock = threading.RLock()
_state: dict = {"url": None, "broker": None}


def make_broker(redis_url: str | None) -> dramatiq.Broker:
    """A RedisBroker with short socket timeouts (a down Redis must not hang a web request), or a StubBroker; on
    either, worker threads keep their SMTP session between emails (delivery.KeepSMTPSessions)."""
    from portal.notifications.delivery import KeepSMTPSessions

    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=10)
        broker = RedisBroker(client=client)
    else:
        broker = StubBroker()
    broker.add_middleware(KeepSMTPSessions())
    return broker


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
    """The process-wide broker: the one set up last, else the one REDIS_URL names."""
    return _state["broker"] or setup_broker(os.environ.get("REDIS_URL") or None)
