"""Home, FAQ, the bare-root redirect, and robots.txt / sitemap.xml."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views (home and FAQ are shared pages: portal.caching) and the crawlers' files."""
    from portal.caching import share_endpoints
    from portal.pages import crawlers
    from portal.pages.routes import bp

    app.register_blueprint(bp)
    share_endpoints(app, "pages.home", "pages.faq")
    crawlers.init_app(app)
