"""'Get help now': the crisis and support directory. It must answer even when the database and broker are down.

The directory file is validated and loaded into memory in `init_app` (inside create_app), so a bad file stops the
app at start-up with a message naming the entry and field, and requests never read it.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load and check the directory file, and register the views (exempt from rate limits: their storage may be
    Redis, and the crisis page must not depend on it)."""
    from portal.directory.loader import DEFAULT_FILE, load_directory
    from portal.caching import share_endpoints
    from portal.directory.routes import bp
    from portal.extensions import limiter

    app.extensions["directory"] = load_directory(app.config.get("DIRECTORY_FILE") or DEFAULT_FILE)
    limiter.exempt(bp)
    app.register_blueprint(bp)
    share_endpoints(app, "directory.get_help")
