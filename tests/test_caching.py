"""Shared pages (portal.caching and portal.assets): what visitors share is the same for everyone and fresh after
any change; what differs between members is never shared; visitors' pages set no cookie; static files are
fingerprinted, immutable and compressed."""
from __future__ import annotations

import gzip
import re
import time
from datetime import timedelta, timezone

import pytest
from flask import url_for

from portal.caching import PUBLIC_PAGE
from portal.registrations.retention import purge_registrations
from tests.registrations.registration_helpers import cancel, register
from tests.signin import sign_in_client
from tests.when import in_days

SHARED = ["/en/", "/fr/", "/en/sessions", "/fr/sessions", "/en/faq", "/en/help"]


def places(html: str) -> str:
    return re.search(r'class="session-card__places">(.*?)</p>', html, re.S).group(1)


def test_visitors_pages_set_no_cookie_and_may_be_kept_by_a_shared_cache(app, make_session):
    session = make_session()
    client = app.test_client()
    for path in [*SHARED, f"/en/sessions/{session.id}", f"/en/sessions/{session.id}"]:
        response = client.get(path, headers={"Accept-Language": path[1:3]})  # the browser's language
        assert response.status_code == 200, path
        assert response.headers.getlist("Set-Cookie") == [], path
        assert response.headers["Cache-Control"].startswith("public, max-age="), path
        assert "Cookie" in response.vary, path
        assert 'name="csrf-token"' not in response.get_data(as_text=True), path


@pytest.mark.parametrize("path", ["/en/help?province=ON", "/en/sessions?format=peer_support", "/en/faq"])
def test_a_shared_copy_never_carries_another_visitors_query(app, path):
    """Pages repeat their query in links (the other language, hreflang): a copy made for a URL with a stranger's
    extra parameter must not answer the plain URL, early or from the rendered-page cache."""
    sep = "&" if "?" in path else "?"
    planted = app.test_client().get(f"{path}{sep}note=CALL-555-0100-INSTEAD").get_data(as_text=True)
    assert "CALL-555-0100-INSTEAD" in planted  # the page does repeat its query in its links
    for client in (app.test_client(), app.test_client()):  # the second one may be answered early
        html = client.get(path).get_data(as_text=True)
        assert "CALL-555-0100-INSTEAD" not in html


def test_reading_in_another_language_than_the_browsers_is_remembered_and_not_shared(app):
    response = app.test_client().get("/fr/sessions", headers={"Accept-Language": "en-CA,en"})
    assert "lang=fr" in " ".join(response.headers.getlist("Set-Cookie"))
    assert "public" not in response.headers.get("Cache-Control", "")


def test_a_page_with_a_form_starts_a_session_and_is_private(app):
    response = app.test_client().get("/en/account/login")
    assert "session=" in " ".join(response.headers.getlist("Set-Cookie"))
    assert response.headers.get("Cache-Control", "") != PUBLIC_PAGE


def test_the_registration_panel_and_the_signed_in_header_are_never_shared(app, make_session, make_user, login):
    session = make_session(zoom_url="https://zoom.example.invalid/j/secret-42")
    visitor, first, second = app.test_client(), app.test_client(), app.test_client()
    detail = f"/en/sessions/{session.id}"
    alice, bob = make_user(), make_user()
    sign_in_client(app, first, alice.id)
    sign_in_client(app, second, bob.id)
    register(session_id=session.id, user=alice)
    for path in (detail, "/en/", "/en/sessions"):
        assert "Sign in" in visitor.get(path).get_data(as_text=True)  # the shared copies exist now

    alices = first.get(detail)
    html = alices.get_data(as_text=True)
    assert 'data-state="registered"' in html and "secret-42" in html
    assert alices.headers["Cache-Control"] == "private, no-store"
    bobs = second.get(detail).get_data(as_text=True)
    assert 'data-state="open"' in bobs and "secret-42" not in bobs
    seen = visitor.get(detail).get_data(as_text=True)
    assert 'data-state="anonymous"' in seen and "secret-42" not in seen
    for path in ("/en/", "/en/sessions"):
        member_page = first.get(path)
        assert "Sign out" in member_page.get_data(as_text=True) and "Sign in" not in member_page.get_data(as_text=True)
        assert member_page.headers["Cache-Control"].startswith("private")
        assert "Sign in" in visitor.get(path).get_data(as_text=True)


def test_registrations_cancellations_and_the_purge_refresh_the_shared_pages(app, make_session, make_user, db):
    session = make_session(capacity=3)
    visitor = app.test_client()
    assert "3 places left" in places(visitor.get("/en/sessions").get_data(as_text=True))
    member = make_user()
    register(session_id=session.id, user=member)
    assert "2 places left" in places(visitor.get("/en/sessions").get_data(as_text=True))
    assert "2 places left" in visitor.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    cancel(session_id=session.id, user=member)
    assert "3 places left" in places(visitor.get("/en/sessions").get_data(as_text=True))

    old = make_session(starts_at=in_days(-60))
    register(session_id=old.id, user=member, now=old.starts_at - timedelta(days=1))
    html = visitor.get("/en/sessions").get_data(as_text=True)
    report = purge_registrations(db, now=in_days(0), retention_days=30)  # a bulk DELETE, no ORM objects
    db.commit()
    assert report.registrations == 1
    assert visitor.get("/en/sessions").get_data(as_text=True) is not html  # rendered afresh


def test_a_staff_edit_refreshes_the_shared_pages(app, make_session, db):
    session = make_session(title_en="Before the edit")
    visitor = app.test_client()
    assert "Before the edit" in visitor.get("/en/sessions").get_data(as_text=True)
    session.title_en = "After the edit"
    db.add(session)
    db.commit()
    html = visitor.get("/en/sessions").get_data(as_text=True)
    assert "After the edit" in html and "Before the edit" not in html
    assert "After the edit" in visitor.get(f"/en/sessions/{session.id}").get_data(as_text=True)


def test_static_files_have_fingerprinted_immutable_names_and_are_compressed(app):
    client = app.test_client()
    with app.test_request_context():
        url = url_for("static", filename="css/portal.css")
    assert re.fullmatch(r"/static/css/portal\.[0-9a-f]{12}\.css", url)
    html = client.get("/en/faq").get_data(as_text=True)
    assert f'href="{url}"' in html
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()).startswith(b"/*") or b"{" in gzip.decompress(response.get_data())
    response.close()
    plain = client.get("/static/css/portal.css")
    assert "immutable" not in plain.headers["Cache-Control"]
    plain.close()


def test_pages_are_compressed_as_accept_encoding_allows(app):
    client = app.test_client()
    raw = client.get("/en/faq")
    assert "Content-Encoding" not in raw.headers
    for encoding in ("gzip", "br"):
        response = client.get("/en/faq", headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.vary
        assert len(response.get_data()) < len(raw.get_data()) / 2


def test_public_calendars_are_stable_and_answer_conditional_requests(app, make_session, db):
    session = make_session()
    client = app.test_client()
    for path in ("/en/sessions.ics", f"/en/sessions/{session.id}.ics"):
        first, second = client.get(path), client.get(path)
        assert first.get_data() == second.get_data(), path  # DTSTAMP no longer moves with the clock
        stamp = session.updated_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        assert f"DTSTAMP:{stamp}" in first.get_data(as_text=True)  # the last change, not the request's time
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    session.title_en = "Moved to Thursday"
    session.updated_at = session.updated_at + timedelta(minutes=5)
    db.add(session)
    db.commit()
    changed = client.get(f"/en/sessions/{session.id}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Moved to Thursday" in changed.get_data(as_text=True)


@pytest.mark.browser
def test_a_warm_page_view_makes_one_request(quality_site, new_page, monkeypatch):
    """In Chromium, once the static files are cached (immutable), viewing another page asks the server only for
    the page (counted at the served app itself)."""
    page = new_page()
    page.goto(f"{quality_site.url}/en/faq")
    page.wait_for_load_state("networkidle")  # the favicon is fetched after "load"
    app, asked = quality_site.app, []
    inner = app.wsgi_app

    def counting(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", counting)
    page.goto(f"{quality_site.url}/en/sessions")
    page.wait_for_load_state("load")
    assert asked == ["/en/sessions"], asked


def _count_views(app, monkeypatch, *endpoints: str) -> list[str]:
    called: list[str] = []
    for endpoint in endpoints:
        view = app.view_functions[endpoint]

        def counting(*args, _view=view, _endpoint=endpoint, **kwargs):
            called.append(_endpoint)
            return _view(*args, **kwargs)

        monkeypatch.setitem(app.view_functions, endpoint, counting)
    return called


def test_a_visitor_without_a_session_is_answered_before_the_view_runs(app, make_session, monkeypatch):
    session = make_session()
    called = _count_views(app, monkeypatch, "sessions.listing", "sessions.detail", "pages.home",
                          "directory.get_help")
    paths = ["/en/sessions", f"/en/sessions/{session.id}", "/en/", "/en/help", "/fr/help?province=QC"]
    visitor = app.test_client()
    for path in paths:
        visitor.get(path, headers={"Accept-Language": path[1:3]})
    called.clear()
    for path in paths[:4]:
        for headers in ({}, {"Accept-Encoding": "gzip"}):
            response = app.test_client().get(path, headers={"Accept-Language": "en", **headers})
            assert response.status_code == 200, path
            assert response.headers["Cache-Control"].startswith("public"), path
            assert "Cookie" in response.vary and response.headers["X-Content-Type-Options"] == "nosniff", path
            assert response.headers.getlist("Set-Cookie") == [], path
            if headers:
                assert response.headers["Content-Encoding"] == "gzip"
                assert b"Sign in" in gzip.decompress(response.get_data())
    assert called == []  # every answer came before the view
    fragment = app.test_client().get("/en/sessions", headers={"HX-Request": "true", "Accept-Language": "en"})
    assert "<html" not in fragment.get_data(as_text=True)  # the htmx fragment is kept apart from the page
    other = app.test_client().get("/fr/sessions", headers={"Accept-Language": "en"})  # not the browser's language
    assert "lang=fr" in " ".join(other.headers.getlist("Set-Cookie"))


def test_a_signed_in_member_or_a_visitor_with_a_flash_never_gets_an_early_answer(app, make_session, make_user,
                                                                                  monkeypatch):
    session = make_session()
    detail = f"/en/sessions/{session.id}"
    called = _count_views(app, monkeypatch, "sessions.listing", "sessions.detail", "pages.home")
    for path in ("/en/", "/en/sessions", detail):
        app.test_client().get(path)
        assert "Sign in" in app.test_client().get(path).get_data(as_text=True)  # the early answer exists now
    called.clear()
    member, flashed = app.test_client(), app.test_client()
    sign_in_client(app, member, make_user().id)
    with flashed.session_transaction() as s:
        s["_flashes"] = [("success", "Your message was sent.")]
    for path in ("/en/", "/en/sessions", detail):
        html = member.get(path).get_data(as_text=True)
        assert "Sign out" in html and "Sign in" not in html, path
    assert "Your message was sent." in flashed.get("/en/sessions").get_data(as_text=True)
    assert called == ["pages.home", "sessions.listing", "sessions.detail", "sessions.listing"]  # all the long way


def test_the_content_version_changes_when_the_transaction_commits_not_when_a_savepoint_is_released(app, db,
                                                                                                   make_session):
    session = make_session(title_en="Before")
    from portal.caching import content_version

    with app.test_request_context("/en/sessions"):
        before = content_version()
        with db.begin_nested():
            session.title_en = "After"
            db.add(session)
        assert content_version() == before  # others cannot see the change yet: the shared pages stay
        db.commit()
        assert content_version() != before


def test_an_early_answer_over_http_never_carries_the_https_only_header(app):
    app.test_client().get("https://portal.example/en/faq")
    app.test_client().get("https://portal.example/en/faq")  # kept, with Strict-Transport-Security
    plain = app.test_client().get("http://portal.example/en/faq")
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers


def test_a_kept_final_answer_is_given_before_flask_starts_byte_for_byte(app, make_session, monkeypatch):
    """The first tier (EarlyAnswers): the same visitor request again is answered with the very bytes the stack sent,
    compressed as that request asked, without a request context; HEAD gets the same headers and no body."""
    make_session()
    requests = {"plain": {"Accept-Language": "en"}, "gzip": {"Accept-Language": "en", "Accept-Encoding": "gzip"},
                "br": {"Accept-Language": "en", "Accept-Encoding": "br"}}
    first = {name: app.test_client().get("/en/sessions", headers=headers) for name, headers in requests.items()}
    contexts: list[str] = []
    real_context = app.request_context
    monkeypatch.setattr(app, "request_context", lambda environ: contexts.append(environ["PATH_INFO"])
                        or real_context(environ))
    for name, headers in requests.items():
        again = app.test_client().get("/en/sessions", headers=headers)
        assert again.status_code == 200
        assert again.get_data() == first[name].get_data(), name
        assert list(again.headers) == list(first[name].headers), name
        assert again.headers.get("Content-Encoding") == {"plain": None, "gzip": "gzip", "br": "br"}[name]
    head = app.test_client().head("/en/sessions", headers=requests["gzip"])
    assert head.get_data() == b"" and head.headers["Content-Length"] == first["gzip"].headers["Content-Length"]
    assert contexts == []  # not one of them reached Flask
    member = app.test_client()
    member.set_cookie("session", "anything")  # a session cookie always goes the long way
    member.get("/en/sessions", headers=requests["plain"])
    assert contexts == ["/en/sessions"]


def test_a_kept_final_answer_is_never_given_after_a_change(app, make_session, db, monkeypatch):
    session = make_session(title_en="Kept before")
    visitor = app.test_client()

    def listing() -> str:
        return gzip.decompress(visitor.get("/en/sessions", headers={"Accept-Encoding": "gzip"}).get_data()).decode()

    assert "Kept before" in listing()
    assert "Kept before" in listing()  # now kept by the first tier
    session.title_en = "Changed after"
    db.add(session)
    db.commit()
    html = listing()
    assert "Changed after" in html and "Kept before" not in html


@pytest.mark.services
def test_two_web_instances_sharing_redis_show_a_change_at_once_here_and_within_a_second_there(
        tmp_path, redis_url, monkeypatch):
    """Production shape: two web instances, one database, one Redis (RedisCache). An answer kept by the first
    instance is given before Flask, from Redis and then from the process's own copy. A change the first instance
    commits shows there at once; a change the second one commits shows on the first within LOCAL_SECONDS (its own
    copy), and from then on it renders afresh, because both read the content version from Redis."""
    from sqlmodel import SQLModel

    from portal import create_app, early_answers
    from portal.config import TestConfig
    from portal.extensions import db as portal_db
    from portal.sessions.models import SupportSession

    clock = [time.time()]
    monkeypatch.setattr(early_answers, "_now", lambda: clock[0])
    instances = []
    for name in ("a", "b"):
        config = TestConfig(tmp_path / name)
        config.DATABASE_URL, config.REDIS_URL = f"sqlite:///{tmp_path / 'shared.db'}", redis_url
        instances.append(create_app(config))
    first, second = instances
    assert type(first.extensions["cache"][next(iter(first.extensions["cache"]))]).__name__ == "RedisCache"
    with second.app_context():
        SQLModel.metadata.create_all(portal_db.engine)
        starts = in_days(7)
        row = SupportSession(title_en="Kept by instance a", title_fr="Séance", description_en="About.",
                             description_fr="À propos.", format="peer_support", language="en", moderator="Dr. Test",
                             capacity=30, zoom_url="https://zoom.example.invalid/j/1", topics=["stress"],
                             starts_at=starts, ends_at=starts + timedelta(hours=1))
        portal_db.session.add(row)
        portal_db.session.commit()
        row_id = row.id

    def retitle(instance, title: str) -> None:
        with instance.app_context():
            changed = portal_db.session.get(SupportSession, row_id)
            changed.title_en = title
            portal_db.session.add(changed)
            portal_db.session.commit()

    def listing() -> str:
        return first.test_client().get("/en/sessions").get_data(as_text=True)

    try:
        assert "Kept by instance a" in listing()
        first.test_client().get("/en/sessions", headers={"Accept-Encoding": "br"})  # kept, brotli
        contexts: list[str] = []
        real_context = first.request_context
        monkeypatch.setattr(first, "request_context", lambda environ: contexts.append(environ["PATH_INFO"])
                            or real_context(environ))
        reads: list[tuple] = []
        backend = first.extensions["cache"][next(iter(first.extensions["cache"]))]
        real_get_many = backend.get_many
        monkeypatch.setattr(backend, "get_many", lambda *keys: reads.append(keys) or real_get_many(*keys))
        from_redis = first.test_client().get("/en/sessions", headers={"Accept-Encoding": "br"})
        assert contexts == [] and len(reads) == 1  # answered from Redis, before Flask
        from_copy = first.test_client().get("/en/sessions", headers={"Accept-Encoding": "br"})
        assert contexts == [] and len(reads) == 1  # and now from this process's own copy, the very same answer
        assert from_copy.get_data() == from_redis.get_data() and from_copy.headers == from_redis.headers
        assert from_copy.headers["Content-Encoding"] == "br" and "Set-Cookie" not in from_copy.headers
        assert "Kept by instance a" in listing() and len(reads) == 2  # the identity answer: read once, then copied
        assert "Kept by instance a" in listing() and len(reads) == 2

        retitle(first, "Changed by instance a")  # a change made here empties this process's copies
        assert "Changed by instance a" in listing() and contexts == ["/en/sessions"]
        assert "Changed by instance a" in listing() and contexts == ["/en/sessions"]  # kept again, from Redis

        retitle(second, "Changed by instance b")  # made in another process
        clock[0] += early_answers.LOCAL_SECONDS / 2
        assert "Changed by instance a" in listing()  # this process's copy, still within its second
        clock[0] += early_answers.LOCAL_SECONDS / 2
        html = listing()
        assert "Changed by instance b" in html and "Changed by instance a" not in html
        assert contexts == ["/en/sessions", "/en/sessions"]
    finally:
        for instance in instances:
            with instance.app_context():
                portal_db.dispose()


def test_an_answer_kept_by_an_older_release_is_ignored_not_a_500(app):
    """During a rolling deploy the shared Redis may hold the second tier's entries in the older two-part shape."""
    from portal.caching import cache, content_version
    from portal.early_answers import _answer_key

    environ = {"REQUEST_METHOD": "GET", "wsgi.url_scheme": "http", "HTTP_HOST": "localhost", "PATH_INFO": "/en/faq",
               "QUERY_STRING": ""}
    with app.test_request_context("/en/faq"):
        version = content_version()
        cache.set(_answer_key(environ, app.config, version, encoding=False), (b"old body", [("X-Old", "1")]))
    response = app.test_client().get("/en/faq")
    assert response.status_code == 200 and b"old body" not in response.get_data()


def test_an_unreachable_page_cache_is_asked_once_per_request_not_twice(app, monkeypatch):
    """With Redis down each question waits for its timeout: the WSGI layer's failed read is passed on, so the stack
    renders the page without asking the cache again."""
    backend = app.extensions["cache"][next(iter(app.extensions["cache"]))]
    asked: list[str] = []

    def down(*_args, **_kwargs):
        asked.append("asked")
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(backend, "get_many", down)
    monkeypatch.setattr(backend, "get", down)
    response = app.test_client().get("/en/help")
    assert response.status_code == 200 and "988" in response.get_data(as_text=True)
    assert asked == ["asked"]


def test_without_a_shared_cache_a_members_feed_is_never_kept(app, make_user, monkeypatch):
    """In process (no REDIS_URL) each worker would keep its own copy and never hear of a change made in another
    one: a member's pages are then always rendered (with Redis: tests/gratitude/test_kept_feed.py)."""
    member = app.test_client()
    sign_in_client(app, member, make_user().id)
    member.get("/en/faq")
    called = _count_views(app, monkeypatch, "gratitude.feed")
    for _ in range(3):
        assert member.get("/en/gratitude").status_code == 200
    assert called == ["gratitude.feed"] * 3
