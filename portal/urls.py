"""Where the portal lives: absolute links for emails, invites and calendar feeds (PORTAL_BASE_URL plus the route),
calendar subscription links, and the domain its mail comes from.

There may be no request to take the host from (the worker, the clock), and links must point at the public site
even when a request came through a proxy, so one builder serves every absolute link.
"""
from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """The full URL of a route on the public site (PORTAL_BASE_URL), with or without a request."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def webcal_url(endpoint: str, **values) -> str:
    """The same address with the webcal:// scheme, which calendar apps open as a subscription (it is fetched over
    HTTPS or HTTP as the public site is)."""
    return "webcal://" + absolute_url(endpoint, **values).split("://", 1)[1]


def mail_domain() -> str:
    """The domain of MAIL_FROM (Message-IDs, calendar UIDs), else the portal's host."""
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    if "@" in address:
        return address.rsplit("@", 1)[1]
    return urlsplit(current_app.config["PORTAL_BASE_URL"]).hostname or "localhost"
