"""A member's feed kept for their browser alone (portal.early_answers): given again before Flask runs, never to
another member or another browser, never after anything it shows or its sign-in changed, and only with Redis."""
from __future__ import annotations

import gzip

import pytest
from sqlalchemy import event

import portal.accounts.signins as signins
from portal.accounts.models import User
from portal.extensions import db as portal_db
from portal.gratitude.models import GratitudePost
from tests.signin import sign_in_client

pytestmark = pytest.mark.services

FEED = "/en/gratitude"
BROWSER = {"User-Agent": "Mozilla/5.0 (test browser)", "Accept-Encoding": "gzip"}


@pytest.fixture
def app_config(app_config, redis_url):
    app_config.REDIS_URL = redis_url  # as deployed: the page cache in Redis, shared by every process
    return app_config


@pytest.fixture
def reached(app, monkeypatch) -> list[str]:
    """The feed requests that reached Flask (a request context was made for them)."""
    paths: list[str] = []
    real_context = app.request_context

    def context(environ):
        if environ["PATH_INFO"] == FEED:
            paths.append(FEED)
        return real_context(environ)

    monkeypatch.setattr(app, "request_context", context)
    return paths


def settle(client) -> None:
    """A first page in this browser: the session gets its CSRF token and Flask-Login's check of the browser, as
    the sign-in form's answer would have given them."""
    client.get("/en/faq", headers=BROWSER)


def browser_of(app, user: User):
    client = app.test_client()
    sign_in_client(app, client, user.id)
    settle(client)
    return client


def feed(client, headers=BROWSER) -> str:
    response = client.get(FEED, headers=headers)
    assert response.status_code == 200, response.status_code
    body = response.get_data()
    return (gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body).decode()


def test_a_members_feed_is_given_again_before_flask_to_that_browser_only(app, make_user, make_post, reached):
    mia, noor = make_user(first_name="Mia"), make_user(first_name="Noor")
    make_post(body="A story everyone sees.")
    make_post(author=mia, status="pending", body="Waiting story by Mia, for a moderator.")
    mias, noors = browser_of(app, mia), browser_of(app, noor)
    first = mias.get(FEED, headers=BROWSER)
    again = mias.get(FEED, headers=BROWSER)
    assert reached == [FEED]  # the second answer came before Flask
    assert again.get_data() == first.get_data() and list(again.headers) == list(first.headers)
    assert again.headers["Cache-Control"] == "private, no-store" and "Set-Cookie" not in again.headers
    assert "Waiting story by Mia" in feed(mias)
    for _ in range(2):
        html = feed(noors)
        assert "A story everyone sees." in html and "Waiting story by Mia" not in html
    assert reached == [FEED, FEED]  # Noor's first was rendered for her, and her second was kept for her


def test_another_browser_holding_the_same_cookie_goes_the_long_way(app, make_user, make_post, reached):
    make_post()
    client = browser_of(app, make_user())
    feed(client)
    feed(client)
    feed(client, headers={**BROWSER, "User-Agent": "curl/8.0"})
    feed(client, headers={**BROWSER, "X-Forwarded-For": "203.0.113.9"})
    assert reached == [FEED, FEED, FEED]


def test_a_kept_feed_is_never_given_after_a_story_or_an_appreciation_changed(app, make_user, make_post, post,
                                                                           client, db, reached):
    sign_in_client(app, client, make_user().id)
    settle(client)
    story = make_post(body="Thank you to the ward clerk.")
    before = feed(client)
    assert 'aria-pressed="false"' in before and feed(client) == before and reached == [FEED]
    response = post(f"/en/gratitude/{story.id}/appreciate", {}, headers={"User-Agent": BROWSER["User-Agent"]})
    assert response.status_code == 302
    after = feed(client)
    assert after != before and 'aria-pressed="true"' in after
    assert feed(client) == after and reached == [FEED, FEED]  # kept again, with the appreciation
    hidden = db.get(GratitudePost, story.id)
    hidden.status = "hidden"  # a moderator hides it: nobody's kept feed shows it any more
    db.add(hidden)
    db.commit()
    assert "Thank you to the ward clerk." not in feed(client)


def test_signing_out_anywhere_ends_the_kept_feed_at_once(app, make_user, make_post, reached):
    make_post()
    member = make_user()
    client = browser_of(app, member)
    feed(client)
    feed(client)
    assert reached == [FEED]
    with app.app_context():
        with portal_db.new_session(write=True) as session:
            signins.end_all(session, session.get(User, member.id))  # "sign out everywhere", a new password
            session.commit()
    response = client.get(FEED, headers=BROWSER)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_flash_is_shown_once_and_the_page_after_it_is_kept_without_it(app, make_user, make_post, reached):
    make_post()
    client = browser_of(app, make_user())
    with client.session_transaction() as cookie:
        cookie["_flashes"] = [("success", "Your story is withdrawn.")]
    first = client.get(FEED, headers=BROWSER)
    assert "Set-Cookie" in first.headers  # the flash was taken out of the session: not kept
    assert "Your story is withdrawn." in gzip.decompress(first.get_data()).decode()
    for _ in range(3):
        assert "Your story is withdrawn." not in feed(client)
    assert reached == [FEED, FEED]  # with the flash, then the first without it; the rest were kept


def test_a_kept_feed_costs_no_query(app, make_user, make_post, db):
    make_post()
    client = browser_of(app, make_user())
    feed(client)
    statements: list[str] = []

    def count(_conn, _cursor, sql, *_args):
        statements.append(sql)

    event.listen(db.get_bind(), "before_cursor_execute", count)
    try:
        feed(client)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", count)
    assert statements == []
