"""Who may use the staff console: every route under /<lang>/staff, found by walking `app.url_map` (so a route added
later is covered without anyone remembering to list it), for anonymous visitors, unverified members, verified
members and staff, GET and POST, in both languages."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from portal.sessions.models import SupportSession
from portal.staff.models import StaffAction
from tests.staff.conftest import fresh


def staff_routes(app) -> list[tuple[str, str]]:
    """(method, rule) for every rule under /<lang>/staff, any blueprint (the console, undelivered emails, and the
    staff pages of later features)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/<lang:lang>/staff"):
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((method, rule.rule))
    return sorted(found)


def _url(rule: str, lang: str, session_id: int) -> str:
    """The rule with its arguments filled: the test's session for session_id, 1 for any other number."""
    url = rule.replace("<lang:lang>", lang).replace("<int:session_id>", str(session_id))
    return re.sub(r"<int:[a-z_]+>", "1", url)


def test_the_walk_finds_the_console(app):
    rules = {rule for _method, rule in staff_routes(app)}
    for expected in ("/<lang:lang>/staff", "/<lang:lang>/staff/sessions", "/<lang:lang>/staff/sessions/new",
                     "/<lang:lang>/staff/sessions/<int:session_id>/edit",
                     "/<lang:lang>/staff/sessions/<int:session_id>/cancel",
                     "/<lang:lang>/staff/sessions/<int:session_id>/duplicate", "/<lang:lang>/staff/log"):
        assert expected in rules
    assert ("POST", "/<lang:lang>/staff/sessions/<int:session_id>/cancel") in staff_routes(app)


@pytest.fixture
def target(make_session):
    """A published session for the routes that need one."""
    return make_session()


def _request(client, post, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return post(url, {"confirm": "yes", "action": "publish"})


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_anonymous_visitors_are_sent_to_sign_in_with_next(app, client, post, target, lang):
    for method, rule in staff_routes(app):
        url = _url(rule, lang, target.id)
        response = _request(client, post, method, url)
        assert response.status_code == 302, (method, url, response.status_code)
        location = response.headers["Location"]
        assert location.startswith(f"/{lang}/account/login?next="), (method, url, location)


@pytest.mark.parametrize("role", ["unverified", "member"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_members_get_the_403_page_on_every_route(app, client, post, login, make_user, target, db, role, lang):
    login(make_user(email_verified_at=None) if role == "unverified" else make_user())
    heading = {"en": "You do not have access to this page", "fr": "pas accès à cette page"}[lang]
    for method, rule in staff_routes(app):
        url = _url(rule, lang, target.id)
        response = _request(client, post, method, url)
        assert response.status_code == 403, (method, url, response.status_code)
        assert heading in response.get_data(as_text=True), (method, url)
    fresh(db)
    session = db.get(SupportSession, target.id)
    assert session.status == "scheduled"  # the cancel POST did nothing
    assert db.exec(select(func.count()).select_from(StaffAction)).one() == 0
    assert db.exec(select(func.count()).select_from(SupportSession)).one() == 1  # nor did duplicate or new


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_staff_may_use_every_route(app, client, post, staff, target, lang):
    for method, rule in staff_routes(app):
        url = _url(rule, lang, target.id)
        response = _request(client, post, method, url)
        assert response.status_code < 500, (method, url)
        assert response.status_code != 403, (method, url)
        if response.status_code == 302:
            assert "/account/login" not in response.headers["Location"], (method, url)
        if method == "GET" and "<int:" not in rule.replace("<int:session_id>", ""):
            assert response.status_code == 200, (method, url, response.status_code)
