"""The registration panel through HTTP: every state, both POSTs as plain forms (PRG) and as htmx swaps,
repeats, authorization, CSRF, the rate limit and the times shown in the member's zone beside Eastern."""
from __future__ import annotations

import re

import pytest

from tests.registrations.registration_helpers import register, registrations
from tests.when import in_days, next_date

HX = {"HX-Request": "true"}


def panel_state(html: str) -> str:
    return re.search(r'id="registration-panel"[^>]*data-state="(\w+)"', html).group(1)


def test_anonymous_visitors_are_asked_to_sign_in_and_sent_back(client, make_session):
    session = make_session(zoom_url="https://zoom.example.invalid/j/anon-1")
    html = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert panel_state(html) == "anonymous"
    assert f'/en/account/login?next=/en/sessions/{session.id}"' in html and "Sign in to register" in html
    assert "anon-1" not in html
    french = client.get(f"/fr/sessions/{session.id}").get_data(as_text=True)
    assert "Me connecter pour m&#39;inscrire" in french or "Me connecter pour m'inscrire" in french


def test_sign_in_from_the_panel_returns_to_the_session_page(client, post, make_session, make_user):
    session = make_session()
    user = make_user(email="panel-login@example.org")
    response = post(f"/en/account/login?next=/en/sessions/{session.id}",
                    {"email": user.email, "password": "correct horse battery staple",
                     "next": f"/en/sessions/{session.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/en/sessions/{session.id}")
    assert panel_state(client.get(f"/en/sessions/{session.id}").get_data(as_text=True)) == "open"


def test_register_and_cancel_without_javascript_redirect_back_with_a_message(client, post, login, make_session,
                                                                           member, db):
    session = make_session(zoom_url="https://zoom.example.invalid/j/plain-1")
    login(member)
    page = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert panel_state(page) == "open" and "30 places left." in page
    response = post(f"/en/sessions/{session.id}/registration", {})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/en/sessions/{session.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert panel_state(page) == "registered"
    assert "You are registered. We have emailed you the Zoom link" in page  # the flash
    assert 'href="https://zoom.example.invalid/j/plain-1"' in page and "Cancel my registration" in page

    response = post(f"/en/sessions/{session.id}/registration/cancel", {})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert panel_state(page) == "open" and "Your registration is cancelled" in page
    assert "plain-1" not in page
    assert [r.status for r in registrations(db, session.id)] == ["cancelled"]


def test_htmx_posts_return_the_panel_fragment_with_the_outcome_announced(client, post, login, make_session, member):
    session = make_session(zoom_url="https://zoom.example.invalid/j/htmx-1")
    login(member)
    fragment = client.get(f"/en/sessions/{session.id}", headers=HX)
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith("<div id=\"registration-panel\"") and "<html" not in body
    assert 'hx-post="/en/sessions/%d/registration"' % session.id in body
    assert 'hx-target="#registration-panel"' in body and 'hx-swap="outerHTML"' in body

    response = post(f"/en/sessions/{session.id}/registration", {}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" not in body and panel_state(body) == "registered"
    assert 'data-announce="You are registered. We have emailed you the Zoom link and a calendar invitation."' in body
    assert 'tabindex="-1"' in body and "htmx-1" in body
    assert response.headers["Cache-Control"] == "private, no-store"
    assert '<span id="session-places" hx-swap-oob="innerHTML"><span class="badge">29 places left</span>' in body

    response = post(f"/en/sessions/{session.id}/registration/cancel", {}, headers=HX)
    body = response.get_data(as_text=True)
    assert panel_state(body) == "open" and "htmx-1" not in body
    assert 'data-announce="Your registration is cancelled.' in body


def test_full_session_offers_the_waiting_list_and_shows_the_position(client, post, login, make_session, make_user):
    session = make_session(capacity=1, zoom_url="https://zoom.example.invalid/j/full-1")
    register(session_id=session.id, user=make_user())
    register(session_id=session.id, user=make_user())
    member = login(make_user(locale="fr"))
    page = client.get(f"/fr/sessions/{session.id}").get_data(as_text=True)
    assert panel_state(page) == "full" and "inscrire sur la liste d" in page
    body = post(f"/fr/sessions/{session.id}/registration", {}, headers=HX).get_data(as_text=True)
    assert panel_state(body) == "waitlisted" and "(position 2)" in body and "full-1" not in body
    assert "Quitter la liste d" in body
    body = post(f"/fr/sessions/{session.id}/registration/cancel", {}, headers=HX).get_data(as_text=True)
    assert panel_state(body) == "full" and "Vous avez quitté la liste d" in body
    assert member.id


def test_double_clicks_and_repeated_posts_register_once(client, post, login, make_session, member, db):
    session = make_session()
    login(member)
    answers = [post(f"/en/sessions/{session.id}/registration", {}, headers=HX if i % 2 else {}) for i in range(4)]
    assert [a.status_code for a in answers] == [302, 200, 302, 200]
    assert "You are already registered for this session." in answers[1].get_data(as_text=True)
    rows = registrations(db, session.id)
    assert len(rows) == 1 and rows[0].status == "confirmed" and rows[0].revision == 0


def test_anonymous_posts_go_to_sign_in_and_htmx_posts_get_hx_redirect(client, post, make_session, db):
    session = make_session()
    for path in ("registration", "registration/cancel"):
        response = post(f"/en/sessions/{session.id}/{path}", {})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/en/account/login?next=/en/sessions/{session.id}")
        response = post(f"/en/sessions/{session.id}/{path}", {}, headers=HX)
        assert response.status_code == 204
        assert response.headers["HX-Redirect"].endswith(f"/en/account/login?next=/en/sessions/{session.id}")
    assert registrations(db, session.id) == []


def test_unverified_members_are_refused_with_a_message_and_the_resend_action(client, post, login, make_session,
                                                                            make_user, db):
    session = make_session()
    login(make_user(email_verified_at=None))
    page = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert panel_state(page) == "unverified" and "/en/account/verify/resend" in page
    response = post(f"/en/sessions/{session.id}/registration", {})
    assert response.status_code == 403 and "confirm your email address" in response.get_data(as_text=True)
    assert registrations(db, session.id) == []


def test_posts_without_the_csrf_token_are_refused(client, login, make_session, member, db):
    session = make_session()
    login(member)
    response = client.post(f"/en/sessions/{session.id}/registration", data={})
    assert response.status_code == 400
    assert registrations(db, session.id) == []


@pytest.mark.parametrize("fields, state, message", [
    ({"status": "cancelled"}, "cancelled", "This session is cancelled, so it is not taking registrations."),
    ({"starts_at": in_days(0, minutes=-15)}, "closed", "Registration closed when the session started."),
])
def test_cancelled_and_started_sessions_take_no_registration(client, post, login, make_session, member, db,
                                                            fields, state, message):
    session = make_session(**fields)
    login(member)
    page = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert panel_state(page) == state and 'action="/en/sessions/%d/registration"' % session.id not in page
    body = post(f"/en/sessions/{session.id}/registration", {}, headers=HX).get_data(as_text=True)
    assert panel_state(body) == state and message in body and "flash--error" in body
    assert registrations(db, session.id) == []


def test_an_unknown_session_is_a_404(client, post, login, member):
    login(member)
    assert post("/en/sessions/999999/registration", {}).status_code == 404


def test_the_posts_are_rate_limited(client, post, login, make_session, member):
    session = make_session()
    login(member)
    codes = [post(f"/en/sessions/{session.id}/registration", {}).status_code for _ in range(21)]
    assert codes[:20] == [302] * 20 and codes[20] == 429


def test_cancel_from_the_account_page_returns_there(client, post, login, make_session, member):
    session = make_session()
    register(session_id=session.id, user=member)
    login(member)
    response = post(f"/en/sessions/{session.id}/registration/cancel", {"next": "/en/account#my-sessions"})
    assert response.headers["Location"].endswith("/en/account#my-sessions")
    response = post(f"/en/sessions/{session.id}/registration/cancel", {"next": "//evil.example/"})
    assert response.headers["Location"].endswith(f"/en/sessions/{session.id}")


@pytest.mark.parametrize("province, lang, expected", [
    ("NL", "en", r"7:00\s?p\.m\. ET \(8:30\s?p\.m\. NT\)"),
    ("BC", "en", r"7:00\s?p\.m\. ET \(4:00\s?p\.m\. PT\)"),
    ("NL", "fr", r"19\xa0h\xa0\(HE\), soit 20\xa0h\xa030\xa0\(HT\)"),
    ("ON", "en", r"7:00\s?p\.m\. ET</time>"),
])
def test_times_in_the_members_zone_beside_eastern(client, login, make_session, make_user, province, lang, expected):
    session = make_session(starts_at=next_date(1, 15))
    login(make_user(province=province))
    page = client.get(f"/{lang}/sessions/{session.id}").get_data(as_text=True)
    assert re.search(expected, page), page[page.find("<time"):page.find("</time>") + 7]


def test_anonymous_visitors_see_eastern_time_only(client, make_session):
    session = make_session(starts_at=next_date(1, 15))
    page = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert re.search(r"7:00\s?p\.m\. ET</time>", page)


def test_a_late_session_shows_the_members_next_day(client, login, make_session, make_user):
    start = next_date(1, 15, "23:00")  # 11 p.m. ET is 12:30 a.m. the next day in Newfoundland
    session = make_session(starts_at=start)
    login(make_user(province="NL"))
    page = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert re.search(r"11:00\s?p\.m\. ET \(Jan(\.)? 16, \d{4}, 12:30\s?a\.m\. NT\)", page), page[page.find("<time"):][:200]
