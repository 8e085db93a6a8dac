"""Embedded mode (REDIS_URL unset, PORTAL_EMBEDDED_WORKER=1): Dramatiq worker threads and the clock thread run
inside the web process, on the StubBroker.

They start on the first request the process serves, once per process: the Werkzeug reloader's watcher process
never serves a request, so it never starts a second set.
"""
from __future__ import annotations

import logging
import os
import threading

import dramatiq
from flask import Flask

import portal.clock as clock
import portal.notifications.tasks as tasks
from portal.notifications.broker import setup_broker

log = logging.getLogger(__name__)
EMBEDDED_WORKER_THREADS = 2

_lock = threading.Lock()
_state: dict = {"pid": None, "worker": None}


def start_embedded(app: Flask) -> bool:
    """Start the in-process worker threads and clock for `app`, once per process; True when started now."""
    with _lock:
        if _state["pid"] == os.getpid():
            return False
        tasks.use_app(app)
        broker = setup_broker(None)
        broker.emit_after("process_boot")
        worker = dramatiq.Worker(broker, worker_threads=EMBEDDED_WORKER_THREADS)
        worker.start()
        threading.Thread(target=clock.run_forever, args=(app,), name="portal-clock", daemon=True).start()
        _state.update(pid=os.getpid(), worker=worker)
        log.info("Embedded worker (%d threads) and clock started in process %d", EMBEDDED_WORKER_THREADS,
                 os.getpid())
        return True


def init_app(app: Flask) -> None:
    """Point the broker at the app's REDIS_URL; in embedded mode, start the worker on the first request."""
    setup_broker(app.config.get("REDIS_URL"))
    if app.config.get("REDIS_URL") or not app.config.get("PORTAL_EMBEDDED_WORKER"):
        return

    @app.before_request
    def _start_embedded_worker() -> None:
        if _state["pid"] != os.getpid():
            start_embedded(app)
