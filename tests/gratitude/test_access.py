"""Who may use which gratitude route: walked from the app's own URL map, so a new route cannot be forgotten."""
from __future__ import annotations

import pytest

from tests.gratitude.conftest import csrf_of

GRATITUDE_BLUEPRINTS = ("gratitude", "gratitude_staff")


def _routes(app):
    """(method, path, staff only) for every gratitude route, with sample ids filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] not in GRATITUDE_BLUEPRINTS:
            continue
        path = rule.rule.replace("<lang:lang>", "en").replace("<int:post_id>", "{post_id}")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path, rule.endpoint.startswith("gratitude_staff.")))
    return found


def test_the_map_holds_every_route_of_the_issue(app):
    paths = {(method, path) for method, path, _staff in _routes(app)}
    assert paths == {
        ("GET", "/en/gratitude"), ("POST", "/en/gratitude"),
        *{("POST", f"/en/gratitude/{{post_id}}/{name}") for name in ("appreciate", "report", "withdraw")},
        ("GET", "/en/staff/gratitude"), ("GET", "/en/staff/moderation-log"),
        *{("POST", f"/en/staff/gratitude/{{post_id}}/{name}") for name in ("approve", "reject", "hide", "restore")},
    }


def _call(client, method, path, post_id, token=None):
    url = path.format(post_id=post_id)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token} if token else {})


def test_anonymous_visitors_are_sent_to_sign_in_with_next(app, client, make_post):
    post_id = make_post().id
    for method, path, _staff in _routes(app):
        token = csrf_of(client)
        response = _call(client, method, path, post_id, token)
        assert response.status_code == 302, (method, path, response.status_code)
        assert "/en/account/login" in response.headers["Location"] and "next=" in response.headers["Location"]


@pytest.mark.parametrize(("lang", "word"), [("en", "private"), ("fr", "privé")])
def test_the_sign_in_page_says_why_the_space_is_private(client, lang, word):
    location = client.get(f"/{lang}/gratitude").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert 'id="why-sign-in"' in page and word in page
    assert 'id="why-sign-in"' not in client.get("/en/account/login").get_data(as_text=True)


def test_unverified_members_get_the_verify_your_email_page(app, client, make_user, login, make_post):
    post_id = make_post().id
    login(make_user(email_verified_at=None))
    for method, path, staff_only in _routes(app):
        response = _call(client, method, path, post_id, csrf_of(client))
        assert response.status_code == 403, (method, path)
        if not staff_only:  # the member's own routes explain what to do
            assert "confirm" in response.get_data(as_text=True).lower(), (method, path)


def test_members_get_403_on_every_staff_route(app, client, make_user, login, make_post):
    post_id = make_post().id
    login(make_user())
    for method, path, staff_only in _routes(app):
        if staff_only:
            assert _call(client, method, path, post_id, csrf_of(client)).status_code == 403, (method, path)
    assert client.get("/en/gratitude").status_code == 200


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_staff_reach_the_moderation_pages_from_the_console(client, make_user, login, lang):
    login(make_user(is_staff=True))
    console = client.get(f"/{lang}/staff").get_data(as_text=True)
    assert f'href="/{lang}/staff/gratitude"' in console and f'href="/{lang}/staff/moderation-log"' in console
    assert client.get(f"/{lang}/staff/gratitude").status_code == 200
    assert client.get(f"/{lang}/staff/moderation-log").status_code == 200


def test_posts_without_the_csrf_token_are_refused(client, make_user, login, make_post):
    post_id = make_post().id
    login(make_user())
    assert client.post("/en/gratitude", data={"body": "Thank you all so much", "display": "anonymous",
                                              "language": "en"}).status_code == 400
    assert client.post(f"/en/gratitude/{post_id}/appreciate").status_code == 400


def test_header_links_to_the_space_for_verified_members_only(client, make_user, login):
    assert 'href="/en/gratitude"' not in client.get("/en/faq").get_data(as_text=True)
    login(make_user())
    page = client.get("/en/gratitude").get_data(as_text=True)
    assert '<a href="/en/gratitude" aria-current="page">Gratitude</a>' in page
