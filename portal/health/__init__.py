"""/healthz (the process answers) and /readyz (database and broker reachable), outside the language prefix."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views."""
    from portal.health.routes import bp

    app.register_blueprint(bp)
