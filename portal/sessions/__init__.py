"""Session listings, detail pages and public calendars.

Features that build on sessions (registrations) import from here; this package never imports them back. They
hear about sessions through the signals in signals.py.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the views and the vocabularies (formats, topics, languages) every template may need."""
    from portal.sessions.models import DELIVERY_LANGUAGES, FORMAT_EXPLAINED, FORMATS, TOPICS
    from portal.sessions.routes import bp
    from portal.urls import webcal_url

    app.register_blueprint(bp)
    app.jinja_env.globals.update(FORMATS=FORMATS, FORMAT_EXPLAINED=FORMAT_EXPLAINED, TOPICS=TOPICS,
                                 DELIVERY_LANGUAGES=DELIVERY_LANGUAGES, webcal_url=webcal_url)
