"""Home, FAQ and the bare-root redirect."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views."""
    from portal.pages.routes import bp

    app.register_blueprint(bp)
