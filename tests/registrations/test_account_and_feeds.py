"""The account page's list, the session page's panel state, and private calendar feeds."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from icalendar import Calendar
from sqlmodel import select

from portal.extensions import utcnow
from portal.registrations.my_sessions import my_sessions
from portal.registrations.panel import registration_panel
from portal.registrations.feeds import (feed_for, feed_token_issued_at, issue_feed_token, revoke_feed_token,
                                        user_for_feed_token)
from portal.registrations.models import CalendarFeed
from tests.registrations.registration_helpers import cancel, register
from tests.when import in_days

ZOOM = "https://zoom.example.invalid/j/99"


def test_my_sessions_lists_upcoming_places_and_waitlist_positions_in_one_query(
        app, db, make_session, make_user, member, query_counter):
    later = make_session(starts_at=in_days(9), zoom_url=ZOOM)
    sooner = make_session(starts_at=in_days(2), capacity=1)
    cancelled_mine = make_session(starts_at=in_days(4))
    past = make_session(starts_at=utcnow() - timedelta(hours=3))
    register(session_id=sooner.id, user=make_user())
    for session in (later, sooner, cancelled_mine):
        register(session_id=session.id, user=member)
    cancel(session_id=cancelled_mine.id, user=member)
    db.rollback()
    query_counter.clear()
    items = my_sessions(db, member)
    assert len([s for s in query_counter if s != "BEGIN"]) == 1
    assert [(i.session.id, i.status, i.position) for i in items] == [(sooner.id, "waitlisted", 1),
                                                                     (later.id, "confirmed", None)]
    assert items[0].zoom_url == "" and items[1].zoom_url == ZOOM
    assert past.id not in {i.session.id for i in items}


def test_panel_states(db, make_session, make_user, member):
    full = make_session(capacity=1, zoom_url=ZOOM)
    register(session_id=full.id, user=member)
    waiting = make_user()
    register(session_id=full.id, user=waiting)
    db.refresh(full)  # the registrations were committed by other sessions

    mine = registration_panel(db, session=full, user=member)
    assert (mine.state, mine.zoom_url, mine.can_cancel) == ("registered", ZOOM, True)
    theirs = registration_panel(db, session=full, user=waiting)
    assert (theirs.state, theirs.position, theirs.zoom_url) == ("waitlisted", 1, "")
    assert registration_panel(db, session=full, user=make_user()).state == "full"
    assert registration_panel(db, session=full, user=None).state == "anonymous"
    assert registration_panel(db, session=full, user=make_user(email_verified_at=None)).state == "unverified"
    assert registration_panel(db, session=make_session(), user=make_user()).state == "open"
    assert registration_panel(db, session=make_session(status="cancelled"), user=member).state == "cancelled"
    started = registration_panel(db, session=full, user=member, now=full.starts_at)
    assert (started.state, started.can_cancel) == ("registered", False)  # the link still works during it
    assert registration_panel(db, session=full, user=make_user(), now=full.starts_at).state == "closed"


def test_the_panel_asks_one_query_of_a_member_and_none_of_a_visitor(db, make_session, member, query_counter):
    session = make_session()
    query_counter.clear()
    registration_panel(db, session=session, user=None)
    assert [s for s in query_counter if s != "BEGIN"] == []
    registration_panel(db, session=session, user=member)
    assert len([s for s in query_counter if s != "BEGIN"]) == 1


def test_feed_token_is_stored_only_as_a_hash_and_can_be_revoked(db, member, make_user):
    token = issue_feed_token(db, member)
    assert len(token) >= 43
    (stored,) = db.exec(select(CalendarFeed)).all()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert feed_token_issued_at(db, member) is not None
    assert user_for_feed_token(db, token).id == member.id
    for wrong in ("", "x", token[:-1] + ("A" if token[-1] != "A" else "B"), "../" + token, token + "=" * 80):
        assert user_for_feed_token(db, wrong) is None

    replacement = issue_feed_token(db, member)
    assert replacement != token and len(db.exec(select(CalendarFeed)).all()) == 1
    assert user_for_feed_token(db, token) is None
    assert user_for_feed_token(db, replacement).id == member.id

    other = make_user()
    assert user_for_feed_token(db, issue_feed_token(db, other)).id == other.id
    assert revoke_feed_token(db, member) is True
    assert user_for_feed_token(db, replacement) is None and feed_token_issued_at(db, member) is None
    assert revoke_feed_token(db, member) is False


def test_private_feed_has_my_confirmed_sessions_with_zoom_links(db, make_session, make_user):
    member = make_user(locale="fr")
    mine = make_session(starts_at=in_days(3), zoom_url=ZOOM, title_fr="Ma séance")
    waiting = make_session(starts_at=in_days(4), capacity=1, zoom_url="https://zoom.example.invalid/j/waiting")
    register(session_id=waiting.id, user=make_user())
    for session in (mine, waiting):
        register(session_id=session.id, user=member)
    db.rollback()
    calendar = Calendar.from_ical(feed_for(db, member))
    assert str(calendar["x-wr-calname"]) == "Mes séances Wellness Connection"
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Ma séance"
    assert str(event["location"]) == ZOOM
    assert "j/waiting" not in feed_for(db, member).decode()
