"""Security headers on every response of every route (pages, fragments, static files, .ics, health checks,
redirects and error pages), HSTS only over HTTPS, and the session cookie's flags."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Blueprint, Response

from portal import create_app
from portal.config import Config
from portal.security import SECURITY_HEADERS
from quality.routes import concrete_routes, methods
from tests.csrf import page_token

REQUIRED_CSP = {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"], "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"], "font-src": ["'self'"], "form-action": ["'self'"], "base-uri": ["'self'"],
    "object-src": ["'none'"], "frame-ancestors": ["'none'"],
}


def csp_directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: [sources]}."""
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def header_problems(response, *, https: bool) -> list[str]:
    """What is missing or wrong in one response's security headers (empty when all is well)."""
    headers = response.headers
    problems = []
    policy = headers.get("Content-Security-Policy", "")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"CSP allows unsafe-inline or unsafe-eval: {policy}")
    directives = csp_directives(policy)
    for directive, sources in REQUIRED_CSP.items():
        if directives.get(directive) != sources:
            problems.append(f"CSP {directive} is {directives.get(directive)}, expected {sources}")
    expected = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}
    problems += [f"{name}: {headers.get(name)!r}" for name, value in expected.items() if headers.get(name) != value]
    problems += referrer_problems(response)
    permissions = headers.get("Permissions-Policy", "")
    problems += [f"Permissions-Policy lacks {feature}=()" for feature in ("camera", "microphone", "geolocation")
                 if f"{feature}=()" not in permissions]
    hsts = headers.get("Strict-Transport-Security")
    if https and (not hsts or "max-age=31536000" not in hsts):
        problems.append(f"HSTS missing over HTTPS: {hsts!r}")
    if not https and hsts:
        problems.append("HSTS sent over plain HTTP")
    return problems


# Policies that never send a path to another site. A page with a form also needs a Referer on its own posts:
# Flask-WTF refuses an HTTPS post without one (WTF_CSRF_SSL_STRICT), and `no-referrer` sends none.
PRIVATE_POLICIES = {"same-origin", "strict-origin", "no-referrer"}
FORM_POLICIES = {"same-origin", "strict-origin"}
POST_FORM = re.compile(r"<form[^>]*method=\"post\"", re.IGNORECASE)


def referrer_problems(response) -> list[str]:
    """What is wrong with a response's Referrer-Policy (see portal.security)."""
    policy = response.headers.get("Referrer-Policy")
    if policy not in PRIVATE_POLICIES:
        return [f"Referrer-Policy {policy!r} may send a path to another site"]
    if response.mimetype == "text/html" and policy not in FORM_POLICIES and POST_FORM.search(
            response.get_data(as_text=True)):
        return [f"Referrer-Policy {policy!r} on a page with a form: its posts would fail over HTTPS"]
    return []


def every_response(client, sample, base_url):
    """(label, response) for every method of every route, plus the responses no route names."""
    for rule, path in concrete_routes(client.application, sample):
        for method in methods(rule) + ["HEAD", "OPTIONS"]:
            yield f"{method} {path} ({rule.endpoint})", client.open(path, method=method, base_url=base_url)
    yield "htmx fragment", client.get("/en/sessions?format=drop_in", headers={"HX-Request": "true"},
                                      base_url=base_url)
    yield "404 outside the prefix", client.get("/no-such-page", base_url=base_url)
    yield "404 inside the prefix", client.get("/fr/no-such-page", base_url=base_url)
    yield "405", client.post("/en/faq", base_url=base_url)
    yield "redirect to the slash", client.get("/en", base_url=base_url)


@pytest.mark.parametrize("https", [False, True], ids=["http", "https"])
def test_every_route_sends_the_security_headers(quality_site, https):
    client = quality_site.app.test_client()
    base = "https://localhost" if https else "http://localhost"
    problems, statuses, endpoints = {}, set(), set()
    for label, response in every_response(client, quality_site.sample, base):
        statuses.add(response.status_code)
        endpoints.add(label.rsplit("(", 1)[-1].rstrip(")"))
        found = header_problems(response, https=https)
        response.close()  # static files are streamed from an open file
        if found:
            problems[label] = found
    assert not problems, problems
    # The enumeration really reached pages, static files, calendars, health checks, redirects and errors.
    assert {"static", "sessions.calendar_event", "health.healthz", "pages.root", "sessions.detail"} <= endpoints
    assert {200, 302, 308, 404, 405, 500} <= statuses, statuses


def test_hsts_follows_x_forwarded_proto_only_behind_a_configured_proxy(app_config):
    forwarded = {"X-Forwarded-Proto": "https"}
    untrusting = create_app(app_config).test_client()
    assert "Strict-Transport-Security" not in untrusting.get("/healthz", headers=forwarded).headers
    app_config.PORTAL_TRUSTED_PROXIES = 1
    trusting = create_app(app_config).test_client()
    assert "Strict-Transport-Security" in trusting.get("/healthz", headers=forwarded).headers
    assert "Strict-Transport-Security" not in trusting.get("/healthz").headers


def _cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_session_cookie_is_httponly_and_lax_in_development(client):
    cookies = _cookies(client.get("/fr/account/login"))  # its form's CSRF token starts a session; French is remembered
    for name in ("session", "lang"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name], cookies[name]
        assert "Secure" not in cookies[name]


def test_session_cookie_is_secure_outside_development(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-like-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("PORTAL_EMBEDDED_WORKER", "0")  # no worker threads left running inside the test process
    client = create_app(Config()).test_client()
    cookies = _cookies(client.get("/fr/account/login", base_url="https://localhost"))
    for name in ("session", "lang"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]


def test_a_header_the_view_sets_wins_over_the_app_wide_default(app_config):
    """Every security header, not only Referrer-Policy: the hook fills in what a view left out."""
    app = create_app(app_config)
    own = Blueprint("own_headers", __name__)

    @own.get("/_own-headers")
    def own_headers():
        """Sets every security header to its own value."""
        return Response("x", headers={name: f"view-{name}" for name in SECURITY_HEADERS})

    app.register_blueprint(own)
    headers = app.test_client().get("/_own-headers").headers
    assert {name: headers[name] for name in SECURITY_HEADERS} == {name: f"view-{name}" for name in SECURITY_HEADERS}
    assert app.test_client().get("/healthz").headers["Referrer-Policy"] == "same-origin"  # the default elsewhere


def referer_a_browser_sends(policy: str, page_url: str) -> str | None:
    """The Referer of a same-origin request from `page_url` under `policy` (W3C Referrer Policy, section 8.3)."""
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}/"
    return {"no-referrer": None, "origin": origin, "strict-origin": origin, "same-origin": page_url,
            "strict-origin-when-cross-origin": page_url}[policy]


def test_link_pages_keep_their_token_to_themselves_and_their_forms_post_over_https(app, make_user, db):
    """The reset link's page asks for a stricter policy than the default, keeps it, and its form still works over
    HTTPS with the Referer a browser sends under that policy (none at all would fail Flask-WTF's check)."""
    from portal.accounts.tokens import make_reset_token

    user = make_user()
    token = make_reset_token(user)
    db.commit()
    client, base = app.test_client(), "https://portal.example"
    url = f"{base}/en/account/reset/{token}"
    page = client.get(url)
    policy = page.headers["Referrer-Policy"]
    assert page.status_code == 200 and policy != "same-origin" and not referrer_problems(page)
    referer = referer_a_browser_sends(policy, url)
    assert token not in (referer or "")
    csrf = page_token(page.get_data(as_text=True))
    headers = {"Referer": referer} if referer else {}
    saved = client.post(url, data={"csrf_token": csrf, "password": "a brand new passphrase 42"}, headers=headers)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:300]


def test_the_private_feed_sends_no_referrer(app, make_user, db):
    """The .ics feed is never a page anyone submits from: no Referer at all."""
    from portal.registrations.feeds import issue_feed_token

    token = issue_feed_token(db, make_user())
    db.commit()
    response = app.test_client().get(f"/calendar/{token}.ics", base_url="https://portal.example")
    assert response.status_code == 200 and response.headers["Referrer-Policy"] == "no-referrer"
