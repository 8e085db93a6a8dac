"""/<lang>/staff/notifications: staff only, shows what is stuck, retries failed rows."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.extensions import utcnow
from portal.notifications.models import Notification


@pytest.fixture
def stuck(db):
    failed = Notification(kind="account.verify_email", recipient_email="a@example.org", dedupe_key="f1",
                          status="failed", attempts=8, last_error="SMTPServerDisconnected: <b>gone</b>")
    pending = Notification(kind="account.password_reset", recipient_email="b@example.org", dedupe_key="p1",
                           attempts=2, last_error="ConnectionRefusedError", due_at=utcnow())
    sent = Notification(kind="account.verify_email", recipient_email="c@example.org", dedupe_key="s1",
                        status="sent")
    db.add_all([failed, pending, sent])
    db.commit()
    return failed, pending, sent


def test_anonymous_visitors_are_sent_to_sign_in(client, stuck):
    response = client.get("/en/staff/notifications")
    assert response.status_code == 302
    assert "/en/account/login?next=/en/staff/notifications" in response.headers["Location"]


def test_members_are_refused(client, login, make_user, stuck):
    login(make_user())
    assert client.get("/en/staff/notifications").status_code == 403
    failed = stuck[0]
    assert client.post(f"/en/staff/notifications/{failed.id}/retry").status_code in (400, 403)


@pytest.mark.parametrize(("lang", "heading"), [("en", "Emails not delivered yet"), ("fr", "Courriels pas encore livrés")])
def test_staff_see_failed_and_pending_with_errors_escaped(client, login, make_user, stuck, lang, heading):
    login(make_user(is_staff=True))
    html = client.get(f"/{lang}/staff/notifications").get_data(as_text=True)
    assert heading in html
    assert "a@example.org" in html and "b@example.org" in html and "c@example.org" not in html
    assert "&lt;b&gt;gone&lt;/b&gt;" in html and "<b>gone</b>" not in html
    assert html.count('action="/' + lang + '/staff/notifications/') == 1  # retry only for the failed row
    assert f'href="/{lang}/staff" aria-current="page"' in html  # the header's Staff link, current here
    statuses = re.findall(r'class="error-text"[^>]*>[^<]*</td><td>([^<]+)</td>', html)  # the cell after the error
    assert set(statuses) == ({"Pending", "Failed"} if lang == "en" else {"En attente", "Échec"})


def test_retry_gives_a_failed_row_a_fresh_start_and_dispatches_it(client, post, login, make_user, stuck, db,
                                                                   stub_broker):
    login(make_user(is_staff=True))
    failed = stuck[0]
    response = post(f"/en/staff/notifications/{failed.id}/retry", {})
    assert response.status_code == 302
    db.rollback()
    db.expire_all()
    row = db.get(Notification, failed.id)
    assert (row.status, row.attempts) == ("pending", 0)
    assert stub_broker.queues["emails"].qsize() == 1
    assert post(f"/en/staff/notifications/{stuck[2].id}/retry", {}).status_code == 404  # sent: nothing to retry
    assert post("/en/staff/notifications/999999/retry", {}).status_code == 404


def _section(html: str, key: str) -> str:
    start = html.index(f'<section id="{key}"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize(("lang", "titles"), [
    ("en", ("Failing for over an hour", "Due and not sent yet", "Scheduled")),
    ("fr", ("En échec depuis plus d’une heure", "Dus et pas encore envoyés", "Programmés")),
])
def test_scheduled_emails_are_apart_from_due_ones_and_long_failures_stand_out(client, login, make_user, db, lang,
                                                                              titles):
    """A reminder due in three days is "scheduled", not waiting; an email failing for two hours is flagged."""
    now = utcnow()
    rows = {"later": Notification(kind="reminder_24h", recipient_email="later@example.org", dedupe_key="later",
                                  due_at=now + timedelta(days=3)),
            "now": Notification(kind="promoted", recipient_email="now@example.org", dedupe_key="now", due_at=now,
                                attempts=1, last_error="SMTP down"),
            "long": Notification(kind="promoted", recipient_email="long@example.org", dedupe_key="long",
                                 due_at=now - timedelta(hours=2), attempts=9, last_error="SMTP down"),
            "quiet": Notification(kind="promoted", recipient_email="quiet@example.org", dedupe_key="quiet",
                                  due_at=now - timedelta(hours=2))}  # not tried yet (no failure): just due
    db.add_all(rows.values())
    db.commit()
    login(make_user(is_staff=True))
    html = client.get(f"/{lang}/staff/notifications").get_data(as_text=True)
    failing, due, scheduled = (_section(html, key) for key in ("failing", "due", "scheduled"))
    assert titles[0] in failing and "long@example.org" in failing and "now@example.org" not in failing
    assert titles[1] in due and "now@example.org" in due and "quiet@example.org" in due
    assert "later@example.org" not in due and "long@example.org" not in due
    assert titles[2] in scheduled and "later@example.org" in scheduled and "now@example.org" not in scheduled
    assert "48" in html
