"""A worker thread keeps its SMTP session between emails: real Dramatiq worker threads (stub broker), a real
aiosmtpd server. Each SMTP session shows at the server as one client address (host, port)."""
from __future__ import annotations

import logging

import dramatiq
import pytest

from portal.notifications import delivery
from portal.notifications.kinds import add_email_kinds
from portal.notifications.models import Notification
from tests.notifications.test_delivery import _fresh, _hello, _queue


@pytest.fixture(autouse=True)
def hello_kind(app):
    add_email_kinds(app, {"test.hello": _hello})


@pytest.fixture
def worker(app, stub_broker, smtp_server):
    """One real worker thread on the stub broker, sending to the started SMTP server; stopped at the end."""
    app.config["SMTP_URL"] = smtp_server.url
    smtp_server.start()
    running = dramatiq.Worker(stub_broker, worker_timeout=50, worker_threads=1)
    running.start()
    yield running
    running.stop()


def _send(db, stub_broker, *keys: str) -> list[Notification]:
    rows = [_queue(db, key=key) for key in keys]
    db.rollback()  # the test's own session holds no snapshot while the worker writes
    stub_broker.join("emails", fail_fast=True)
    return [_fresh(db, row) for row in rows]


def test_a_worker_thread_sends_a_burst_on_one_session_and_says_goodbye_when_it_stops(db, stub_broker, worker,
                                                                                   smtp_server):
    rows = _send(db, stub_broker, "a", "b", "c", "d", "e")
    assert {row.status for row in rows} == {"sent"}
    received = smtp_server.wait_for(5)
    assert len({message.peer for message in received}) == 1
    assert smtp_server.quits == 0  # kept for the next email
    worker.stop()
    assert smtp_server.quits == 1


def test_outside_a_worker_thread_each_email_has_its_own_session(app, db, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    smtp_server.start()
    for key in ("a", "b"):
        assert delivery.deliver(_queue(db, key=key).id) == "sent"
    received = smtp_server.wait_for(2)
    assert len({message.peer for message in received}) == 2 and smtp_server.quits == 2


def test_a_session_the_server_closed_is_replaced_with_no_failed_attempt(db, stub_broker, worker, smtp_server,
                                                                      caplog):
    caplog.set_level(logging.WARNING)
    [first] = _send(db, stub_broker, "before")
    smtp_server.stop()  # the server goes away and comes back: the kept session is dead
    smtp_server.start()
    [second] = _send(db, stub_broker, "after")
    assert first.status == second.status == "sent" and second.attempts == 0 and not second.last_error
    received = smtp_server.wait_for(2)
    assert len(received) == 2 and received[0].peer != received[1].peer
    assert not [r for r in caplog.records if r.name.startswith("portal")], caplog.text


def test_a_server_closing_an_idle_session_with_421_gets_the_email_on_a_new_one(db, stub_broker, worker,
                                                                             smtp_server):
    _send(db, stub_broker, "before")
    smtp_server.refuse_next_mail = "421 4.4.2 Idle for too long, closing"
    [row] = _send(db, stub_broker, "after")
    assert row.status == "sent" and row.attempts == 0
    received = smtp_server.wait_for(2)
    assert len(received) == 2 and received[0].peer != received[1].peer


def test_a_refusal_at_mail_on_a_new_session_is_a_failed_attempt(app, db, smtp_server):
    """Only a kept session is tried again at once; a new one that refuses is an ordinary failure (retried later)."""
    app.config["SMTP_URL"] = smtp_server.url
    smtp_server.start()
    smtp_server.refuse_next_mail = "421 4.3.2 Not now"
    row = _queue(db, key="refused")
    with pytest.raises(delivery.DeliveryFailed):
        delivery.deliver(row.id)
    row = _fresh(db, row)
    assert row.status == "pending" and row.attempts == 1 and "421" in row.last_error
    assert smtp_server.messages == []


def test_a_session_is_not_kept_past_a_pause_or_past_its_message_limit(db, stub_broker, worker, smtp_server,
                                                                    monkeypatch):
    monkeypatch.setattr(delivery, "SMTP_MESSAGES_PER_CONNECTION", 2)
    _send(db, stub_broker, "1", "2", "3", "4", "5")
    received = smtp_server.wait_for(5)
    assert [len({m.peer for m in received[i:i + 2]}) for i in (0, 2, 4)] == [1, 1, 1]
    assert len({m.peer for m in received}) == 3 and smtp_server.quits == 2  # two sessions ended at their limit

    monkeypatch.setattr(delivery, "SMTP_REUSE_SECONDS", 0.0)  # any pause is too long
    _send(db, stub_broker, "6", "7")
    received = smtp_server.wait_for(7)
    assert len({m.peer for m in received}) == 5 and smtp_server.quits == 4
