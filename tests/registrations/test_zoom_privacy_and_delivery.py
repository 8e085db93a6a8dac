"""The Zoom link stays out of every public response and every log line; and a registration made through HTTP
really arrives as an email (.eml in PORTAL_OUTBOX_DIR) through the stub broker and a Dramatiq worker."""
from __future__ import annotations

import logging
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from icalendar import Calendar

from portal.registrations.feeds import issue_feed_token
from tests.registrations.registration_helpers import register
from quality.routes import concrete_routes, methods

SECRET = "zoom-secret-9137"
ZOOM = f"https://zoom.example.invalid/j/{SECRET}"


def _get_every_route(app, client, samples) -> list[str]:
    """GET every GET route of the URL map (and the htmx fragment of each); returns the paths visited."""
    visited = []
    for rule, path in concrete_routes(app, samples):
        if "GET" not in methods(rule):
            continue
        for lang in ("en", "fr"):
            localized = path.replace("/en/", f"/{lang}/", 1) if path.startswith("/en/") else path
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(localized, headers=headers)
                assert response.status_code < 500, localized
                assert SECRET.encode() not in response.data, (localized, headers)
                response.close()  # static files are streamed from an open file
                visited.append(localized)
    return visited


@pytest.fixture
def full_session(make_session, make_user):
    """A full session with the secret Zoom link: one confirmed member, one on the waiting list."""
    session = make_session(zoom_url=ZOOM, capacity=1)
    register(session_id=session.id, user=make_user())
    waiting = make_user()
    register(session_id=session.id, user=waiting)
    return session, waiting


def test_no_get_route_shows_the_zoom_link_to_anonymous_visitors(app, client, db, full_session):
    session, waiting = full_session
    token = issue_feed_token(db, waiting)
    db.commit()
    visited = _get_every_route(app, client, {"session_id": session.id, "token": token, "notification_id": 1})
    assert f"/en/sessions/{session.id}" in visited and f"/calendar/{token}.ics" in visited
    assert "/en/help.txt" in visited or any(p.endswith("help.txt") for p in visited)


def test_no_get_route_shows_the_zoom_link_to_a_waitlisted_member(app, client, db, login, full_session):
    session, waiting = full_session
    token = issue_feed_token(db, waiting)
    db.commit()
    login(waiting)
    assert "waitlisted" in client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    _get_every_route(app, client, {"session_id": session.id, "token": token, "notification_id": 1})
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and Calendar.from_ical(feed.data).walk("VEVENT") == []


def test_the_zoom_link_never_reaches_the_logs(client, post, login, make_session, make_user, caplog):
    session = make_session(zoom_url=ZOOM, capacity=1)  # its INSERT (the test's setup) is not watched
    first, second = make_user(), make_user()
    caplog.set_level(logging.DEBUG)
    # Every SQL statement and its parameters too (INFO; DEBUG would add result rows, which no deployment logs).
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    for member in (first, second):
        login(member)
        post(f"/en/sessions/{session.id}/registration", {}, headers={"HX-Request": "true"})
    login(first)
    response = post(f"/en/sessions/{session.id}/registration/cancel", {})
    assert response.status_code == 302
    assert "INSERT INTO registration" in caplog.text  # the log really was captured
    assert SECRET not in caplog.text


def test_registering_through_http_delivers_the_confirmation_email(app, client, post, login, make_session,
                                                                 make_user, db, deliver_queued, caplog):
    caplog.set_level(logging.DEBUG)
    session = make_session(zoom_url=ZOOM, title_en="Compassion rounds")
    member = login(make_user(email="e2e-regui@example.org"))
    response = post(f"/en/sessions/{session.id}/registration", {})
    assert response.status_code == 302
    db.rollback()  # hold no snapshot while the worker writes
    deliver_queued(threads=1)
    files = list(Path(app.config["PORTAL_OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 1  # the reminders are not due yet
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == member.email and message["Subject"] == "Registration confirmed: Compassion rounds"
    assert message.get_content_type() == "multipart/mixed"
    alternative, invite = message.get_payload()
    text = alternative.get_payload()[0].get_content()
    assert ZOOM in text and "988" in text
    assert invite.get_content_type() == "text/calendar" and invite.get_param("method") == "REQUEST"
    (event,) = Calendar.from_ical(invite.get_payload(decode=True)).walk("VEVENT")
    assert str(event["location"]) == ZOOM
    assert SECRET not in caplog.text
