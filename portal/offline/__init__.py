"""Offline: the service worker that keeps the crisis pages on the device, the web app manifest, the offline page.

A physician who once opened the portal must reach 988, 911 and their province's physician health program with no
connection. The service worker (static/sw.js, served at /sw.js so that its scope is the whole site) saves the help
pages on install and answers from them when the network fails; any other page falls back to the offline page.
Touches no database: it must work when nothing else does.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views (exempt from rate limits, like the crisis page they keep available)."""
    from portal.extensions import limiter
    from portal.offline.routes import bp

    limiter.exempt(bp)
    app.register_blueprint(bp)
