"""Where the portal lives: absolute links for emails, invites and calendar feeds (PORTAL_BASE_URL plus the route),
calendar subscription links, and the domain its mail comes from.

There may be no request to take the host from (the worker, the clock), and links must point at the public site
even when a request came through a proxy, so one builder serves every absolute link.
"""
from __future__ import annotations

import functools
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import IntegerConverter

# The largest id any table holds (PostgreSQL's INTEGER); a larger one in a URL is a 404 before any query.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """Werkzeug's `int` converter, bounded to ids a table can hold, so /sessions/99999999999999999999 is a 404
    instead of an overflow in the database driver. Registered as `int`, so every route gets it."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - Werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def absolute_url(endpoint: str, **values) -> str:
    """The full URL of a route on the public site (PORTAL_BASE_URL), with or without a request."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


MAX_PAGE = 99_999


def parse_page(value: str | None) -> int | None:
    """A page number from the query string (1 to MAX_PAGE), or None. The length is checked before int(): Python
    refuses to convert a string of more than 4,300 digits (ValueError), and no page has more than five."""
    text = (value or "1").strip()
    if not text.isdigit() or len(text) > len(str(MAX_PAGE)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_PAGE else None


def webcal_url(endpoint: str, **values) -> str:
    """The same address with the webcal:// scheme, which calendar apps open as a subscription (it is fetched over
    HTTPS or HTTP as the public site is)."""
    return "webcal://" + absolute_url(endpoint, **values).split("://", 1)[1]


@functools.lru_cache(maxsize=16)
def _address_in(value: str) -> str:
    return parseaddr(value)[1]


def mail_from_address() -> str:
    """MAIL_FROM's bare address (its display name dropped), parsed once per value, not once per email."""
    return _address_in(current_app.config["MAIL_FROM"])


def mail_domain() -> str:
    """The domain of MAIL_FROM (Message-IDs, calendar UIDs), else the portal's host."""
    address = mail_from_address()
    if "@" in address:
        return address.rsplit("@", 1)[1]
    return urlsplit(current_app.config["PORTAL_BASE_URL"]).hostname or "localhost"
