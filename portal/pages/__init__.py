"""Home, FAQ, the bare-root redirect, and robots.txt / sitemap.xml."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views."""
    from portal.pages import crawlers
    from portal.pages.routes import bp

    app.register_blueprint(bp)
    crawlers.init_app(app)
