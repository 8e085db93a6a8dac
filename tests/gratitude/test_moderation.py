"""Moderation: the queue's order, the four actions in place and without JavaScript, the rejection email in the
author's language, the record of every action, the log, and a stale action answered 409."""
from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlmodel import select

from portal.gratitude.models import Flag, GratitudePost, ModerationAction
from portal.notifications.compose import compose
from portal.notifications.models import Notification
from tests.gratitude.conftest import HTMX


@pytest.fixture
def staff(make_user, login):
    return login(make_user(is_staff=True, first_name="Sam", last_name="Moderator"))


def ids_in(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article[^>]*\bid="post-(\d+)"', html)]


def test_queue_order_urgent_then_pending_then_reported_oldest_first(client, staff, make_post, db, make_user):
    reporter = make_user()
    old_reported = make_post(status="approved", age=timedelta(days=5))
    db.add(Flag(post_id=old_reported.id, reporter_id=reporter.id, reason="spam"))
    old_reported.open_reports, old_reported.reported_at = 1, old_reported.created_at + timedelta(days=3)
    hidden = make_post(status="hidden", open_reports=3, age=timedelta(days=4))
    hidden.reported_at = hidden.created_at
    db.commit()
    pending_new = make_post(status="pending", age=timedelta(hours=1))
    pending_old = make_post(status="pending", age=timedelta(hours=9))
    urgent_new = make_post(status="pending", urgent=True, age=timedelta(minutes=5))
    urgent_old = make_post(status="pending", urgent=True, age=timedelta(hours=2))
    make_post(status="approved")  # not in the queue
    make_post(status="rejected")
    html = client.get("/en/staff/gratitude").get_data(as_text=True)
    assert ids_in(html) == [urgent_old.id, urgent_new.id, pending_old.id, pending_new.id, hidden.id,
                            old_reported.id]
    urgent_article = re.search(rf'id="post-{urgent_old.id}".*?</article>', html, re.S).group(0)
    assert ">Urgent</strong>" in urgent_article and 'href="tel:988"' in urgent_article
    assert ">Urgent<" not in re.search(rf'id="post-{pending_old.id}".*?</article>', html, re.S).group(0)


def test_staff_see_the_author_even_of_an_anonymous_story(client, staff, make_post, make_user):
    author = make_user(first_name="Rae", last_name="Surname", email="rae.author@example.org")
    story = make_post(author=author, display="anonymous", status="pending")
    html = client.get("/en/staff/gratitude").get_data(as_text=True)
    row = re.search(rf'id="post-{story.id}".*?</article>', html, re.S).group(0)
    assert "Rae Surname" in row and "rae.author@example.org" in row and "Anonymous" in row


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_approve_in_place_then_hide_then_restore(client, post, staff, make_post, db, lang):
    story = make_post(status="pending")
    response = post(f"/{lang}/staff/gratitude/{story.id}/approve", {"version": "1"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<article class="queue-item queue-item--done" id="post-{story.id}"')
    assert "data-announce=" in html and f"/staff/gratitude/{story.id}/hide" in html
    response = post(f"/{lang}/staff/gratitude/{story.id}/hide", {"version": "2"}, headers=HTMX)
    assert response.status_code == 200 and f"/staff/gratitude/{story.id}/restore" in response.get_data(as_text=True)
    response = post(f"/{lang}/staff/gratitude/{story.id}/restore", {"version": "3"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/gratitude#post-{story.id}")
    db.expire_all()
    assert db.get(GratitudePost, story.id).status == "approved"
    actions = db.exec(select(ModerationAction).order_by(ModerationAction.id)).all()
    assert [a.action for a in actions] == ["approved", "hidden", "restored"]
    assert {a.actor_id for a in actions} == {staff.id} and {a.post_id for a in actions} == {story.id}


def test_an_approved_story_appears_in_the_feed(client, post, staff, make_post, make_user, login):
    story = make_post(status="pending")
    post(f"/en/staff/gratitude/{story.id}/approve", {"version": "1"})
    login(make_user())
    assert f'id="post-{story.id}"' in client.get("/en/gratitude").get_data(as_text=True)


def test_a_stale_action_gets_409_with_the_row_as_it_now_is(post, staff, make_post, db):
    story = make_post(status="pending")
    assert post(f"/en/staff/gratitude/{story.id}/approve", {"version": "1"}).status_code == 302
    late = post(f"/en/staff/gratitude/{story.id}/reject", {"version": "1", "reason": "other"},
                headers=HTMX)
    html = late.get_data(as_text=True)
    assert late.status_code == 409 and f'id="post-{story.id}"' in html
    assert "Another moderator acted on this story first" in html and 'role="alert"' in html
    page = post(f"/en/staff/gratitude/{story.id}/approve", {"version": "1"})
    assert page.status_code == 409 and "<html" in page.get_data(as_text=True)
    assert len(db.exec(select(ModerationAction)).all()) == 1
    assert db.exec(select(Notification)).first() is None


@pytest.mark.parametrize("action", ["approve", "hide", "restore", "reject"])
def test_actions_that_do_not_apply_to_the_state_get_409(post, staff, make_post, action):
    story = make_post(status="rejected")
    assert post(f"/en/staff/gratitude/{story.id}/{action}", {"reason": "other"}).status_code == 409


def test_actions_on_a_missing_story_get_404(post, staff):
    assert post("/en/staff/gratitude/99999/approve", {}).status_code == 404


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_reject_emails_the_author_in_their_language_with_reason_and_note(post, staff, make_post, make_user, db,
                                                                        lang):
    author = make_user(locale=lang, email=f"author-{lang}@example.org")
    story = make_post(author=author, status="pending", body="Thanks to <Dr. X> who saved my shift!")
    note = "Please leave out the name <script>alert(1)</script>."
    response = post(f"/en/staff/gratitude/{story.id}/reject", {"version": "1", "reason": "identifies_someone",
                                                                "note": note}, headers=HTMX)
    assert response.status_code == 200
    action = db.exec(select(ModerationAction)).one()
    assert (action.action, action.reason, action.note) == ("rejected", "identifies_someone", note)
    notification = db.exec(select(Notification)).one()
    assert notification.recipient_email == author.email and notification.locale == lang
    db.rollback()
    message = message_from_bytes(compose(notification, db).as_bytes(), policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert note in text and "Thanks to <Dr. X> who saved my shift!" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "&lt;Dr. X&gt;" in html
    words = {"en": ("not published", "patient, colleague"), "fr": ("pas été publié", "(patiente ou patient, collègue ou autre)")}[lang]
    assert words[0] in str(message["Subject"]) + text and words[1] in text


def test_reject_without_a_valid_reason_keeps_the_note(post, staff, make_post, db):
    story = make_post(status="pending")
    response = post(f"/en/staff/gratitude/{story.id}/reject", {"version": "1", "reason": "whim",
                                                                "note": "My careful note"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "My careful note</textarea>" in html and "<details class=\"reject\" open" in html
    page = post(f"/en/staff/gratitude/{story.id}/reject", {"version": "1", "reason": "whim", "note": "Kept too"})
    assert page.status_code == 422 and "Kept too</textarea>" in page.get_data(as_text=True)
    assert db.get(GratitudePost, story.id).status == "pending"


def test_keeping_a_reported_story_closes_its_reports(post, staff, make_post, make_user, db, client):
    story = make_post(status="approved", open_reports=1)
    db.add(Flag(post_id=story.id, reporter_id=make_user().id, reason="spam"))
    db.commit()
    assert post(f"/en/staff/gratitude/{story.id}/approve", {"version": "1"}).status_code == 302
    db.expire_all()
    assert db.get(GratitudePost, story.id).open_reports == 0
    assert db.exec(select(Flag.reviewed)).one() is True
    assert f'id="post-{story.id}"' not in client.get("/en/staff/gratitude").get_data(as_text=True)


def test_the_log_lists_every_action_newest_first(client, post, staff, make_post, db):
    first = make_post(status="pending", body="First story, approved.")
    second = make_post(status="pending", body="Second story, rejected.")
    post(f"/en/staff/gratitude/{first.id}/approve", {"version": "1"})
    post(f"/en/staff/gratitude/{second.id}/reject", {"version": "1", "reason": "not_gratitude", "note": "Sorry"})
    html = client.get("/en/staff/moderation-log").get_data(as_text=True)
    rows = re.findall(r"<tr>.*?</tr>", html.split("<tbody>")[1], re.S)
    assert len(rows) == 2
    assert "Rejected" in rows[0] and "Sam Moderator" in rows[0] and "Sorry" in rows[0] and "Second story" in rows[0]
    assert "Approved" in rows[1] and "First story" in rows[1]


def test_the_overview_counts_the_queue(client, staff, make_post):
    make_post(status="pending")
    make_post(status="pending", urgent=True)
    html = client.get("/en/staff").get_data(as_text=True)
    assert "<strong>2</strong> stories to moderate" in html and "1 may signal distress" in html
