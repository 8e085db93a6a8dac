"""The account page's registrations and private calendar feed, through HTTP; the clock's purge job and the
account-deletion hook."""
from __future__ import annotations

import re
from datetime import timedelta

from icalendar import Calendar
from sqlmodel import select

from portal import clock
from portal.registrations.models import CalendarFeed, Registration
from tests.registrations.registration_helpers import outbox, register, registrations
from tests.when import in_days


def test_account_lists_my_places_and_waiting_list_positions_with_cancel_buttons(client, login, make_session,
                                                                               make_user, query_counter):
    member = make_user()
    mine = make_session(starts_at=in_days(3), zoom_url="https://zoom.example.invalid/j/mine-1")
    full = make_session(starts_at=in_days(4), capacity=1, zoom_url="https://zoom.example.invalid/j/full-2")
    register(session_id=full.id, user=make_user())
    register(session_id=mine.id, user=member)
    register(session_id=full.id, user=member)
    login(member)
    query_counter.clear()
    page = client.get("/en/account").get_data(as_text=True)
    few = len(query_counter)
    section = page[page.index('id="my-sessions"'):page.index('id="my-calendar"')]
    assert section.index(mine.title_en) < section.index(full.title_en)
    assert "mine-1" in section and "full-2" not in section
    assert "Waiting list, position 1" in section
    assert section.count('action="/en/sessions/') == 2 and 'name="next" value="/en/account#my-sessions"' in section

    for n in range(4):  # more sessions, same number of queries
        register(session_id=make_session(starts_at=in_days(5 + n)).id, user=member)
    query_counter.clear()
    page = client.get("/en/account").get_data(as_text=True)
    assert len(query_counter) == few and page.count('name="next"') == 6


def test_account_page_in_french_without_sessions(client, login, make_user):
    login(make_user(locale="fr"))
    page = client.get("/fr/account").get_data(as_text=True)
    assert "aucune séance à venir." in page and "Créer mon adresse de calendrier" in page


def _issue(post) -> str:
    response = post("/en/account/calendar-feed", {})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return re.search(r'value="(http[^"]+/calendar/[^"]+\.ics)"', response.get_data(as_text=True)).group(1)


def test_private_feed_shown_once_replaced_and_turned_off(client, post, login, make_session, member, db):
    session = make_session(zoom_url="https://zoom.example.invalid/j/feed-1")
    other = make_session(starts_at=in_days(9), zoom_url="https://zoom.example.invalid/j/not-mine")
    register(session_id=session.id, user=member)
    login(member)
    url = _issue(post)
    token = url.rsplit("/", 1)[1][:-4]
    stored = db.exec(select(CalendarFeed.token_hash)).one()
    assert token not in stored and len(token) >= 40
    account = client.get("/en/account").get_data(as_text=True)
    assert token not in account and "Replace my calendar address" in account and "Turn off" in account

    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert feed.headers["Cache-Control"] == "private, max-age=300"
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert [str(e["LOCATION"]) for e in events] == ["https://zoom.example.invalid/j/feed-1"]
    assert b"not-mine" not in feed.data and other.id

    new_url = _issue(post)  # replace: the old address stops working
    assert new_url != url
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    new_token = new_url.rsplit("/", 1)[1][:-4]
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200

    response = post("/en/account/calendar-feed/off", {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/account#my-calendar")
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404
    assert "Create my calendar address" in client.get("/en/account").get_data(as_text=True)


def test_unknown_and_malformed_feed_tokens_are_404(client):
    for token in ("not-a-real-token", "x" * 43, "a/b", "%00"):
        assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_feed_actions_need_a_signed_in_member(client, post):
    for path in ("/en/account/calendar-feed", "/en/account/calendar-feed/off"):
        response = post(path, {})
        assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]


def test_clock_once_runs_the_retention_purge(app, db, make_session, make_user, runner):
    job = next(job for job in clock.jobs(app) if job.name == "retention purge")
    assert job.every == timedelta(hours=1) and job.last_run is None  # the jobs and their last runs are this app's
    old = make_session(starts_at=in_days(-40))
    recent = make_session(starts_at=in_days(-2))
    for session in (old, recent):
        db.add(Registration(session_id=session.id, user_id=make_user().id, status="confirmed"))
    db.commit()
    result = runner.invoke(args=["clock", "--once"])
    assert result.exit_code == 0, result.output
    assert "retention purge: PurgeReport(registrations=1" in result.output
    assert registrations(db, old.id) == [] and len(registrations(db, recent.id)) == 1
    again = runner.invoke(args=["clock", "--once"])  # within the hour: not run again
    assert "retention purge" not in again.output


def test_deleting_an_account_cancels_its_places_and_promotes_the_waiting_list(client, post, login, make_session,
                                                                             make_user, db):
    session = make_session(capacity=1)
    leaving, waiting = make_user(email="leaving@example.org"), make_user()
    register(session_id=session.id, user=leaving)
    register(session_id=session.id, user=waiting)
    other = make_session(starts_at=in_days(8), capacity=2)
    register(session_id=other.id, user=make_user())
    register(session_id=other.id, user=leaving)
    login(leaving)
    response = post("/en/account/delete", {"delete-password": "correct horse battery staple"})
    assert response.status_code == 302
    rows = registrations(db, session.id)
    assert [(r.user_id, r.status, r.waitlist_position) for r in rows] == [(waiting.id, "confirmed", None)]
    assert [r.status for r in registrations(db, other.id)] == ["confirmed"]
    assert "promoted" in [n.kind for n in outbox(db, user_id=waiting.id)]
    assert outbox(db, recipient_email="leaving@example.org") == []
