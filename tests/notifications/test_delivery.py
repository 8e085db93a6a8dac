"""Delivery in-process: compose, once-only sending, failures and retries, dispatch after commit, the clock."""
from __future__ import annotations

import email
import email.generator
import email.policy
import json
import logging
import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import select

from portal import clock
from portal.extensions import utcnow
from portal.notifications import delivery
from portal.notifications.compose import POLICY
from portal.notifications.kinds import Attachment, EmailContent, add_email_kinds
from portal.notifications.models import Notification
from portal.notifications.services import PENDING_KEY, notify


def _hello(notification, db):
    payload = json.loads(notification.payload)
    if payload.get("gone"):
        return None
    return EmailContent(subject="Hello\r\nBcc: evil@example.org", template="verify_email",
                        context={"first_name": payload.get("name", "Ann"), "link": "https://example.org/x",
                                 "change": False, "hours": 48},
                        attachments=[Attachment("invite.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                                {"method": "REQUEST"})] if payload.get("invite") else [])


def _broken(notification, db):
    raise RuntimeError("builder exploded")


@pytest.fixture(autouse=True)
def test_kinds(app):
    """This module's two kinds of email, given to the test's app the way a feature's init_app gives its own."""
    add_email_kinds(app, {"test.hello": _hello, "test.broken": _broken})


def _queue(db, key="k1", kind="test.hello", commit=True, **fields) -> Notification:
    row = notify(db, kind=kind, recipient_email="ann@example.org", dedupe_key=key, **fields)
    if commit:
        db.commit()
    return row


def _fresh(db, row) -> Notification:
    db.rollback()
    db.expire_all()
    return db.get(Notification, row.id)


def test_compose_builds_multipart_alternative_with_a_stable_message_id(db):
    row = _queue(db, payload={"name": "Zoë <b>"}, locale="fr")
    first, second = delivery.compose(row, db), delivery.compose(row, db)
    assert first.get_content_type() == "multipart/alternative"
    assert first["Message-ID"] == second["Message-ID"] == delivery.compose(row, db)["Message-ID"]
    assert first["Subject"] == "Hello Bcc: evil@example.org"  # one line: no header injection
    assert first["Content-Language"] == "fr-CA" and first["To"] == "ann@example.org"
    html = first.get_body(("html",)).get_content()
    assert "Zoë &lt;b&gt;" in html and "Bonjour" in html
    assert "988" in html and "911" in html and "988" in first.get_body(("plain",)).get_content()


def test_message_ids_use_the_mail_domain_and_differ_between_installations(app, db):
    """Stable per dedupe key within one installation; another installation (its own secret, its own MAIL_FROM)
    never produces the same id for the same key, and the id does not spell out the key."""
    from portal.notifications.compose import message_id

    row = _queue(db)
    first = delivery.compose(row, db)["Message-ID"]
    assert first == message_id("k1") and first.endswith("@localhost>")
    app.config.update(MAIL_FROM="Wellness Connection <bien-etre@portal.example>", SECRET_KEY="another install")
    other = delivery.compose(row, db)["Message-ID"]
    assert other.endswith("@portal.example>") and other.split("@")[0] != first.split("@")[0]
    assert other == message_id("k1") and "k1" not in other
    app.config["MAIL_FROM"] = "Wellness Connection <wellness@localhost>"
    assert message_id("k1") != first  # same domain, different secret: still distinct


def test_attachments_make_it_multipart_mixed_with_params(db):
    message = delivery.compose(_queue(db, payload={"invite": True}), db)
    assert message.get_content_type() == "multipart/mixed"
    [invite] = list(message.iter_attachments())
    assert invite.get_content_type() == "text/calendar" and invite.get_param("method") == "REQUEST"
    assert invite.get_filename() == "invite.ics"


def test_the_email_sent_over_smtp_never_uses_a_boundary_found_in_its_text(monkeypatch):
    """Delivery flattens with a cheaper boundary check than the standard library's: a line of the text that starts
    with the boundary it drew must still make it draw another, or the parts would not parse back."""
    drawn = "=" * 15 + "%019d" % 7 + "=="  # what the generator makes of a random token 7
    monkeypatch.setattr(email.generator.random, "randrange", lambda _limit: 7)
    message = EmailMessage(policy=POLICY)
    message.set_content(f"before\n--{drawn}--\nafter\n")  # short ASCII lines: sent as they are (7bit)
    message.add_alternative("<p>html</p>", subtype="html")
    parsed = email.message_from_bytes(delivery.flatten_for_smtp(message), policy=email.policy.default)
    assert parsed.get_boundary() == f"{drawn}.0"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed.get_body(("plain",)).get_content().splitlines() == ["before", f"--{drawn}--", "after"]


def test_same_id_twice_sends_once(app, db):
    row = _queue(db)
    assert delivery.deliver(row.id) == "sent"
    assert delivery.deliver(row.id) == "sent"  # already sent: nothing happens
    files = list(Path(app.config["PORTAL_OUTBOX_DIR"]).glob("*.eml"))
    assert [f.name for f in files] == [f"{row.id:06d}-test-hello.eml"]
    assert _fresh(db, row).sent_at is not None


def test_a_builder_saying_none_marks_the_row_skipped(app, db):
    row = _queue(db, payload={"gone": True})
    assert delivery.deliver(row.id) == "skipped"
    assert _fresh(db, row).status == "skipped"
    assert not list(Path(app.config["PORTAL_OUTBOX_DIR"]).glob("*.eml"))


def test_not_due_and_claimed_rows_are_left_alone(db):
    later = _queue(db, key="later", due_at=utcnow() + timedelta(hours=1))
    held = _queue(db, key="held")
    held.claimed_until = utcnow() + timedelta(minutes=1)
    db.add(held)
    db.commit()
    assert delivery.deliver(later.id) == "not-due"
    assert delivery.deliver(held.id) == "busy"
    assert delivery.deliver(999999) == "missing"


def test_failures_are_retried_until_the_maximum_age_then_failed(app, db, caplog):
    """No fixed number of attempts: a failing email stays pending (one WARNING line per attempt, no traceback) for
    as long as it is younger than PORTAL_DELIVERY_MAX_AGE_HOURS, then fails with one ERROR line. Time is driven by
    the row's due_at."""
    caplog.set_level(logging.INFO, logger="portal.notifications.delivery")
    row = _queue(db, kind="test.broken")
    for attempt in range(1, 31):  # far past any fixed count
        with pytest.raises(delivery.DeliveryFailed) as raised:
            delivery.deliver(row.id)
        row = _fresh(db, row)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert "builder exploded" in row.last_error and row.retry_at > utcnow()
        assert raised.value.delay == min(15_000 * 2 ** (attempt - 1), 3_600_000)  # capped backoff, in ms
    warnings = [r for r in caplog.records if r.name == "portal.notifications.delivery"]
    assert len(warnings) == 30 and {r.levelname for r in warnings} == {"WARNING"}
    assert not any(r.exc_info for r in warnings) and "attempt 30" in warnings[-1].getMessage()
    row.due_at = utcnow() - timedelta(hours=47, minutes=59)
    db.add(row)
    db.commit()
    with pytest.raises(delivery.DeliveryFailed):
        delivery.deliver(row.id)
    caplog.clear()
    row = _fresh(db, row)
    row.due_at = utcnow() - timedelta(hours=48, minutes=1)
    db.add(row)
    db.commit()
    assert delivery.deliver(row.id) == "failed"
    row = _fresh(db, row)
    assert (row.status, row.attempts, row.retry_at) == ("failed", 32, None)
    [given_up] = [r for r in caplog.records if r.name == "portal.notifications.delivery"]
    assert given_up.levelname == "ERROR" and "Gave up" in given_up.getMessage() and not given_up.exc_info


def test_a_staff_retry_gives_an_old_failed_email_a_new_window(app, db):
    from portal.notifications.services import retry_failed

    row = _queue(db, kind="test.broken", due_at=utcnow() - timedelta(hours=50))
    assert delivery.deliver(row.id) == "failed"
    _fresh(db, row)
    assert retry_failed(db, row.id) is not None
    db.commit()
    with pytest.raises(delivery.DeliveryFailed):  # tried again, and still within its new window
        delivery.deliver(row.id)
    assert _fresh(db, row).status == "pending"


def test_the_maximum_age_is_configurable(app, db):
    app.config["PORTAL_DELIVERY_MAX_AGE_HOURS"] = 2
    row = _queue(db, kind="test.broken", due_at=utcnow() - timedelta(hours=2, minutes=1))
    assert delivery.deliver(row.id) == "failed"


def test_an_smtp_outage_longer_than_the_backoff_window_heals_with_no_human_action(app, db, smtp_server,
                                                                                   deliver_queued, caplog):
    """A real worker, a real SMTP server that is down for longer than every retry the old fixed count allowed
    (8 attempts): the email keeps being retried with capped backoff and goes out once the server is back; the
    worker logs no traceback for the retries."""
    caplog.set_level(logging.INFO)
    app.config.update(SMTP_URL=smtp_server.url, PORTAL_DELIVERY_MIN_BACKOFF_MS=10, PORTAL_DELIVERY_MAX_BACKOFF_MS=40)
    row = _queue(db)  # committed: the after-commit dispatch hands it to the stub broker
    worker = threading.Thread(target=deliver_queued, kwargs={"threads": 1})
    worker.start()
    deadline = time.monotonic() + 20
    while _fresh(db, row).attempts < 12 and time.monotonic() < deadline:  # past the old 8-attempt window
        time.sleep(0.05)
    assert _fresh(db, row).status == "pending" and _fresh(db, row).attempts >= 12
    smtp_server.start()  # the outage ends; nobody presses Retry
    worker.join(timeout=20)
    row = _fresh(db, row)
    assert not worker.is_alive() and row.status == "sent", (row.status, row.attempts, row.last_error)
    assert len(smtp_server.wait_for(1)) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-2000:]


def test_the_clock_sends_a_stuck_email_again_and_logs_it(app, db, stub_broker, caplog):
    """A failed attempt whose broker retry never came (Redis restarted): once retry_at has passed, the clock's
    job sends it again and says so; an email that is simply due is sent without a word."""
    from portal.notifications import enqueue_due_notifications

    caplog.set_level(logging.INFO, logger="portal.notifications")
    stuck = _queue(db, key="stuck")
    stuck.attempts, stuck.retry_at, stuck.last_error = 3, utcnow() - timedelta(seconds=1), "SMTP down"
    dead = _queue(db, key="dead-worker")
    dead.claimed_until = utcnow() - timedelta(seconds=1)
    _queue(db, key="just-due")
    db.add_all([stuck, dead])
    db.commit()
    stub_broker.flush_all()
    assert enqueue_due_notifications(db) == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.notifications"]
    assert len(lines) == 2 and f"notification {stuck.id} " in lines[0] and "3 failed attempt" in lines[0]
    assert f"notification {dead.id} " in lines[1] and "stopped before finishing" in lines[1]


def test_a_broker_that_cannot_be_reached_is_logged_in_one_whole_sentence(app, db, caplog, monkeypatch):
    from portal.notifications import dispatch

    def refuse(_notification_id):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(dispatch.deliver, "send", refuse)
    assert dispatch.enqueue([7]) == 0
    [record] = [r for r in caplog.records if r.name == "portal.notifications.dispatch"]
    assert record.getMessage() == ("Could not enqueue notification 7 (ConnectionError: Redis is down). It stays in "
                                   "the outbox, and the clock sends it on its next tick.")
    assert not record.exc_info


def test_an_unknown_kind_fails_at_once(db):
    row = _queue(db, kind="test.nobody-registered-this")
    assert delivery.deliver(row.id) == "failed"
    assert "KeyError" in _fresh(db, row).last_error


def test_smtp_refused_connection_is_a_retryable_failure(app, db, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url  # nothing listens yet
    row = _queue(db)
    with pytest.raises(delivery.DeliveryFailed):
        delivery.deliver(row.id)
    assert "Connection refused" in _fresh(db, row).last_error or "ConnectionRefused" in _fresh(db, row).last_error
    smtp_server.start()
    row.retry_at = None
    assert delivery.deliver(row.id) == "sent"
    [received] = smtp_server.wait_for(1)
    assert received.mail_from == "wellness@localhost" and received.rcpt_tos == ["ann@example.org"]


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.org", ("smtp", "mail.example.org", 25, None, None)),
    ("smtp+starttls://u%40x:p%3Ass@mail.example.org", ("smtp+starttls", "mail.example.org", 587, "u@x", "p:ss")),
    ("smtps://user:pw@mail.example.org:2465", ("smtps", "mail.example.org", 2465, "user", "pw")),
])
def test_smtp_urls(url, expected):
    settings = delivery.parse_smtp_url(url)
    assert (settings.scheme, settings.host, settings.port, settings.username, settings.password) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org:25"])
def test_bad_smtp_urls_are_refused(url):
    with pytest.raises(ValueError):
        delivery.parse_smtp_url(url)


def test_smtp_login_is_used_when_the_url_has_a_user(app, db, smtp_server):
    from aiosmtpd.smtp import AuthResult

    seen = []

    def authenticator(_server, _session, _envelope, mechanism, auth_data):
        seen.append((mechanism, auth_data.login, auth_data.password))
        return AuthResult(success=True)

    smtp_server.controller_options = {"authenticator": authenticator, "auth_require_tls": False}
    smtp_server.start()
    app.config["SMTP_URL"] = f"smtp://mailer:s%40cret@{smtp_server.host}:{smtp_server.port}"
    assert delivery.deliver(_queue(db).id) == "sent"
    assert seen and seen[0][1:] == (b"mailer", b"s@cret")


def test_dispatch_happens_after_commit_and_never_for_a_rollback(db, stub_broker):
    _queue(db, key="rolled", commit=False)
    assert stub_broker.queues.get("emails") is None or stub_broker.queues["emails"].qsize() == 0
    db.rollback()
    db.expire_all()
    assert PENDING_KEY not in db.info
    row = _queue(db, key="kept", commit=False)
    assert stub_broker.queues["emails"].qsize() == 0  # written but not committed: nothing sent yet
    db.commit()
    [message] = list(stub_broker.queues["emails"].queue)
    assert json.loads(message)["args"] == [row.id]


def test_several_emails_in_one_transaction_are_dispatched_only_when_it_commits(db, stub_broker):
    """notify() writes each row in a SAVEPOINT; releasing one is no commit: sending the ids queued before it then
    handed the worker rows it could not see yet (PostgreSQL: skipped as missing, left for the clock)."""
    rows = [_queue(db, key=f"batch-{i}", commit=False) for i in range(3)]
    assert stub_broker.queues.get("emails") is None or stub_broker.queues["emails"].qsize() == 0
    db.commit()
    sent = [json.loads(message)["args"] for message in stub_broker.queues["emails"].queue]
    assert sent == [[row.id] for row in rows]


def test_future_rows_wait_for_the_clock(app, db, stub_broker):
    row = _queue(db, due_at=utcnow() + timedelta(minutes=5))
    assert stub_broker.queues["emails"].qsize() == 0
    assert clock.tick(app)["enqueue due notifications"] == 0
    row.due_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()
    assert clock.tick(app)["enqueue due notifications"] == 1


def test_the_stub_worker_delivers_what_commits_enqueue(app, db, deliver_queued):
    rows = [_queue(db, key=f"w{i}") for i in range(3)]
    db.rollback()  # the test's own session holds no snapshot while the worker writes
    deliver_queued(threads=2)
    db.rollback()
    db.expire_all()
    assert {db.get(Notification, r.id).status for r in rows} == {"sent"}
    assert len(list(Path(app.config["PORTAL_OUTBOX_DIR"]).glob("*.eml"))) == 3


def test_a_repeated_dedupe_key_adds_nothing(db):
    assert _queue(db, key="same") is not None
    assert _queue(db, key="same") is None
    assert len(db.exec(select(Notification)).all()) == 1
