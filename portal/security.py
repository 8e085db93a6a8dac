"""Security headers on every response, and the one deliberate way to trust a reverse proxy.

The Content-Security-Policy allows scripts, styles, fonts and fetches from our own origin only: no inline script or
style, no eval, no third party. htmx is configured (see the htmx-config meta tag in base.html) so it needs none of
them. HSTS is sent only on HTTPS requests; behind a TLS-terminating proxy, set PORTAL_TRUSTED_PROXIES to the number
of proxies in front of the app so that X-Forwarded-Proto (and -For, -Host, -Port) are believed. Left at 0, those
headers are ignored, because anyone can send them.

A header a view sets wins over these defaults (the hook only fills in what is missing). Pages whose URL or content
holds a secret ask for a stricter Referrer-Policy than the default `same-origin`:
- `NO_REFERRER` where nothing is ever submitted from the page (the private .ics feed);
- `ORIGIN_ONLY_REFERRER` (`strict-origin`) where the page has a form (reset, sign-in, the new feed address...):
  every request from it carries only `https://host/`, never the path, so no token reaches another site or our own
  access logs, yet Flask-WTF's HTTPS check (WTF_CSRF_SSL_STRICT compares scheme, host and port of the Referer)
  still passes. With `no-referrer` the browser would send no Referer at all and every POST over HTTPS would fail.
"""
from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
])

# Features a peer-support portal never needs; denying them means an injected script could not ask either.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
))

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: Flask-WTF checks the Referer of HTTPS form posts against our own host, and
    # tokens in our URLs (surveys, verification) must never reach another site.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Cross-Origin-Opener-Policy": "same-origin",
}

HSTS = "max-age=31536000; includeSubDomains"

NO_REFERRER = "no-referrer"
ORIGIN_ONLY_REFERRER = "strict-origin"


def add_security_headers(response: Response) -> Response:
    """Add the security headers a response lacks (HSTS only when this request came over HTTPS); a header the view
    set itself is kept."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response (pages, fragments, static files, errors) and trust only configured proxies."""
    proxies = int(app.config.get("PORTAL_TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.after_request(add_security_headers)
