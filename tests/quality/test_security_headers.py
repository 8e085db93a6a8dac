"""Security headers on every response of every route (pages, fragments, static files, .ics, health checks,
redirects and error pages), HSTS only over HTTPS, and the session cookie's flags."""
from __future__ import annotations

import pytest

from portal import create_app
from portal.config import Config
from quality.routes import concrete_routes, methods

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
    expected = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
    problems += [f"{name}: {headers.get(name)!r}" for name, value in expected.items() if headers.get(name) != value]
    permissions = headers.get("Permissions-Policy", "")
    problems += [f"Permissions-Policy lacks {feature}=()" for feature in ("camera", "microphone", "geolocation")
                 if f"{feature}=()" not in permissions]
    hsts = headers.get("Strict-Transport-Security")
    if https and (not hsts or "max-age=31536000" not in hsts):
        problems.append(f"HSTS missing over HTTPS: {hsts!r}")
    if not https and hsts:
        problems.append("HSTS sent over plain HTTP")
    return problems


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
