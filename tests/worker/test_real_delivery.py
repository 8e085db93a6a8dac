"""The whole path with real services: sign-up in the app → Redis → a `dramatiq` worker process → SMTP (aiosmtpd).

Also the faults the outbox must survive: Redis losing the message, the worker killed mid-send, SMTP refusing
connections. Each test fails (not skips) under PORTAL_REQUIRE_ALL=1 when Redis or PostgreSQL is missing.
"""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.notifications.models import Notification
from tests.accounts.conftest import PASSWORD, signup_form
from tests.worker.conftest import run_clock_once, wait_until

pytestmark = [pytest.mark.services, pytest.mark.slow]


def _link(message, lang: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+(/{lang}/account/verify/\S+)", text).group(1)


def _rows(db) -> list[Notification]:
    db.rollback()
    db.expire_all()
    return list(db.exec(select(Notification).order_by(Notification.id)).all())


@pytest.mark.parametrize(("lang", "subject", "greeting"), [
    ("en", "Confirm your email address", "Hello Ann,"),
    ("fr", "Confirmez votre adresse courriel", "Bonjour Ann,"),
])
def test_signup_verification_email_link_and_login_through_real_smtp(real_app_config, client, post, db, smtp_server,
                                                                   worker_process, lang, subject, greeting):
    smtp_server.start()
    worker = worker_process()
    response = post(f"/{lang}/account/signup", signup_form(locale=lang))
    assert response.status_code == 302
    try:
        [received] = smtp_server.wait_for(1, timeout=60)
    except AssertionError:
        pytest.fail("no email arrived; worker log:\n" + worker.output())
    message = received.message
    assert received.rcpt_tos == ["ann.lee@example.org"]
    assert message["Subject"] == subject and message.get_content_type() == "multipart/alternative"
    assert re.fullmatch(r"<[0-9a-f]{40}@localhost>", message["Message-ID"])
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert greeting in text and greeting in html
    for part in (text, html):
        assert "988" in part and "911" in part  # every email ends with "Get help now"
    wait_until(lambda: _rows(db)[0].status == "sent", timeout=10)  # marked just after the server's answer

    verify = client.get(_link(message, lang))
    assert verify.status_code == 302
    login = post(f"/{lang}/account/login", {"email": "ann.lee@example.org", "password": PASSWORD})
    assert login.status_code == 302
    page = client.get(f"/{lang}/account")
    assert page.status_code == 200
    assert ("Confirm your email address" if lang == "en" else "Confirmez votre adresse") not in page.get_data(
        as_text=True)
    db.rollback()
    db.expire_all()
    assert db.exec(select(User)).one().is_verified


def test_redis_flushed_before_delivery_the_clock_enqueues_it_again(real_app_config, redis_url, post, db,
                                                                   smtp_server, worker_process, worker_env):
    import redis

    smtp_server.start()
    post("/en/account/signup", signup_form())  # enqueued; no worker is running yet
    client = redis.Redis.from_url(redis_url)
    assert client.dbsize() > 0
    client.flushdb()  # Redis restarts empty (our production Redis keeps nothing on disk)
    worker = worker_process()
    with pytest.raises(AssertionError):
        smtp_server.wait_for(1, timeout=3)  # the message is gone: nothing is sent
    assert "enqueue due notifications: 1" in run_clock_once(worker_env)
    try:
        smtp_server.wait_for(1, timeout=60)
    except AssertionError:
        pytest.fail("no email after the clock tick; worker log:\n" + worker.output())
    assert "enqueue due notifications: 0" in run_clock_once(worker_env).splitlines()  # sent: nothing left
    with pytest.raises(AssertionError):
        smtp_server.wait_for(2, timeout=2)
    assert len(smtp_server.messages) == 1
    wait_until(lambda: _rows(db)[0].status == "sent", timeout=10)


@pytest.fixture
def on_postgresql(app_config, postgres_url):
    """Run this test's app and worker on PostgreSQL (FOR UPDATE SKIP LOCKED)."""
    app_config.DATABASE_URL = postgres_url
    return app_config


def test_worker_killed_mid_send_still_delivers_at_most_twice(on_postgresql, real_app_config, post, db, smtp_server,
                                                             worker_process, worker_env):
    smtp_server.delay = 4.0  # the server takes its time to answer DATA
    smtp_server.start()
    first = worker_process(PORTAL_DELIVERY_LEASE_SECONDS="3")
    post("/en/account/signup", signup_form())
    assert smtp_server.data_started.wait(60), first.output()
    first.kill()  # SIGKILL while the worker waits for the server's answer
    smtp_server.delay = 0.0
    [row] = _rows(db)
    assert row.status == "pending" and row.claimed_until is not None  # never marked sent
    second = worker_process(PORTAL_DELIVERY_LEASE_SECONDS="3")
    wait_until(lambda: _rows(db)[0].claimed_until is None or _rows(db)[0].claimed_until < _now(), timeout=15)
    wait_until(lambda: "enqueue due notifications: 1" in run_clock_once(worker_env), timeout=20, interval=1)
    wait_until(lambda: _rows(db)[0].status == "sent", timeout=60)
    received = smtp_server.messages
    assert 1 <= len(received) <= 2, second.output()
    assert len({r.message["Message-ID"] for r in received}) == 1  # a duplicate is recognisable as one


def _now():
    from portal.extensions import utcnow

    return utcnow()


def test_smtp_refusing_connections_is_retried_until_it_comes_back(real_app_config, post, db, smtp_server,
                                                                  worker_process):
    worker = worker_process()  # nothing listens on the SMTP port yet: connections are refused
    post("/en/account/signup", signup_form())
    row = wait_until(lambda: (r := _rows(db)[0]).attempts >= 2 and r, timeout=30)
    assert row.status == "pending" and "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error
    smtp_server.start()
    try:
        [received] = smtp_server.wait_for(1, timeout=60)
    except AssertionError:
        pytest.fail("not delivered after SMTP came back; worker log:\n" + worker.output())
    row = wait_until(lambda: (r := _rows(db)[0]).status == "sent" and r, timeout=10)
    assert row.attempts >= 2 and received.message["To"] == "ann.lee@example.org"
