"""/<lang>/staff/notifications: staff only, shows what is stuck, retries failed rows."""
from __future__ import annotations

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
