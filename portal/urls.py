"""Absolute links for emails, invites and calendar feeds: PORTAL_BASE_URL plus the route.

There may be no request to take the host from (the worker, the clock), and links must point at the public site
even when a request came through a proxy, so one builder serves every absolute link.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """The full URL of a route on the public site (PORTAL_BASE_URL), with or without a request."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
