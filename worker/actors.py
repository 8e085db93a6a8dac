"""The worker process: `dramatiq worker.actors` (Procfile `worker`; REDIS_URL, DATABASE_URL, SMTP_URL... from the
environment).

The actors live beside their features (portal/notifications/tasks.py). This module only configures the broker,
imports them so that Dramatiq finds them, and tells them how to build the app: once per worker process, on the
first message, not at import.
"""
from __future__ import annotations

import os

from portal.notifications.broker import setup_broker

setup_broker(os.environ.get("REDIS_URL") or None)

from portal import create_app  # noqa: E402  (after the broker: actors are declared on it when imported)
from portal.notifications import tasks  # noqa: E402
from portal.notifications.tasks import deliver  # noqa: E402,F401  (the actor this worker runs)

tasks.use_app_factory(create_app)
