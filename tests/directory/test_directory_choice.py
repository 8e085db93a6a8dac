"""Which province: URL, member's profile, remembered cookie; and what that means for caching and weight."""
from __future__ import annotations

import re

import pytest
from flask import url_for

from portal.i18n import PROVINCES


def test_an_unknown_province_falls_back_to_the_remembered_one(client):
    client.set_cookie("help_province", "MB")
    html = client.get("/en/help?province=Mars").get_data(as_text=True)
    assert "in the link, so we ignored it" in html and '<option value="MB" selected>' in html


def test_a_visitors_choice_is_remembered_in_a_cookie(client):
    response = client.get("/en/help?province=NS")
    cookie = response.headers["Set-Cookie"]
    assert "help_province=NS" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    html = client.get("/fr/help").get_data(as_text=True)
    assert '<option value="NS" selected>' in html and "service-ns-doctors-ns-psp" in html
    client.get("/en/help?province=national")
    assert '<option value="national" selected>' in client.get("/en/help").get_data(as_text=True)


def test_a_bad_cookie_is_ignored_quietly(client):
    client.set_cookie("help_province", "<b>")
    html = client.get("/en/help").get_data(as_text=True)
    assert '<option value="national" selected>' in html and "did not recognise" not in html


def test_members_get_their_profile_province(client, make_user, login):
    login(make_user(province="QC"))
    client.set_cookie("help_province", "BC")
    response = client.get("/en/help")
    html = response.get_data(as_text=True)
    assert '<option value="QC" selected>' in html and "service-qc-pamq" in html
    assert response.headers["Cache-Control"] == "private, max-age=60"
    assert '<meta name="csrf-token"' in html
    # An explicit choice still wins.
    assert '<option value="AB" selected>' in client.get("/en/help?province=AB").get_data(as_text=True)


def test_a_member_without_a_province_falls_back_to_the_cookie(client, make_user, login):
    login(make_user(province=""))
    client.set_cookie("help_province", "SK")
    assert '<option value="SK" selected>' in client.get("/en/help").get_data(as_text=True)


def test_visitors_pages_never_touch_the_database(client, query_counter):
    for url in ("/en/help", "/fr/help?province=QC", "/en/help?province=ON", "/fr/help.txt?province=NB"):
        assert client.get(url).status_code == 200
    client.get("/en/help?province=NU", headers={"HX-Request": "true"})
    assert query_counter == []


def test_visitors_pages_are_cached_publicly_and_carry_no_session_token(client):
    client.set_cookie("help_province", "ON")
    response = client.get("/en/help?province=ON")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert {"Cookie", "HX-Request"} <= set(response.vary)
    html = response.get_data(as_text=True)
    assert "csrf-token" not in html
    assert "session=" not in response.headers.get("Set-Cookie", "")
    assert client.get("/en/help").headers["Cache-Control"].startswith("private")  # chosen by cookie


def test_a_new_choice_is_not_cached_publicly(client):
    response = client.get("/en/help?province=PE")
    assert response.headers["Cache-Control"] == "private, max-age=60"


def test_a_response_that_sets_the_session_cookie_is_never_public(client):
    client.get("/en/sessions")  # the layout's CSRF token starts a session
    client.set_cookie("help_province", "ON")
    response = client.get("/en/help?province=ON")
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    if "session=" in cookies:
        assert response.headers["Cache-Control"].startswith("private")
    else:
        assert response.headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("province", ["national", *PROVINCES])
def test_the_page_stays_light(client, province):
    html = client.get(f"/en/help?province={province}").get_data()
    assert len(html) < 20_000
    text = html.decode()
    # rel="alternate" links name the page in the other language: they are not loaded.
    subresources = re.findall(r'<(?:link(?! rel="alternate")|script)[^>]+(?:href|src)="([^"]+)"', text)
    with client.application.test_request_context():
        expected = [url_for("static", filename=name) for name in ("css/portal.css", "css/print.css", "favicon.svg")]
        # The manifest and the home-screen icon are links a browser fetches only when asked to install the portal.
        expected += ["/en/manifest.webmanifest", url_for("static", filename="icons/icon-192.png")]
        expected += [url_for("static", filename=name) for name in ("vendor/htmx.min.js", "js/portal.js")]
    assert subresources == expected


def test_the_province_cookie_is_secure_outside_development(monkeypatch, tmp_path):
    from portal import create_app
    from portal.config import Config

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-like-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("PORTAL_EMBEDDED_WORKER", "0")  # no worker threads left running inside the test process
    response = create_app(Config()).test_client().get("/en/help?province=YT", base_url="https://localhost")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("help_province="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
