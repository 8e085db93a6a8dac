"""Two transactions queueing the same email (same dedupe_key) at the same moment, on a migrated SQLite file and
PostgreSQL: the second waits for the first; if the first commits, the second adds nothing and returns None (no
error), if it rolls back, the second writes the row."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from portal.extensions import db as portal_db
from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.registrations.test_concurrency import backend_app  # noqa: F401 - the fixture, on both databases


def _queue(session: Session) -> Notification | None:
    return notify(session, kind="account.verify_email", recipient_email="ann@example.org", dedupe_key="race:1")


@pytest.mark.parametrize("first_ends", ["commit", "rollback"])
def test_the_same_key_from_two_transactions_at_once(backend_app, first_ends):  # noqa: F811
    with backend_app.app_context():
        engine = portal_db.engine
        with Session(engine, expire_on_commit=False) as first, Session(engine, expire_on_commit=False) as second:
            assert _queue(first) is not None  # written, not committed: the key is held
            outcome: dict = {}

            def queue_the_same() -> None:
                try:
                    outcome["row"] = _queue(second)
                    second.commit()
                except Exception as exc:  # noqa: BLE001 - the assertion below shows it
                    outcome["error"] = exc

            other = threading.Thread(target=queue_the_same)
            other.start()
            other.join(0.5)
            assert other.is_alive(), outcome  # waiting for the first transaction
            getattr(first, first_ends)()
            other.join(30)
            assert not other.is_alive()
            assert "error" not in outcome, outcome["error"]
            assert (outcome["row"] is None) is (first_ends == "commit")
        with Session(engine) as check:
            assert check.exec(select(func.count()).select_from(Notification)
                              .where(Notification.dedupe_key == "race:1")).one() == 1
