"""Home, FAQ and the bare-root redirect."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from portal.caching import cached_html, expires_at
from portal.extensions import db
from portal.i18n import current_lang, negotiate_lang
from portal.sessions.services import next_sessions

bp = Blueprint("pages", __name__)


@bp.get("/")
def root():
    """Send visitors to their language: saved preference, cookie, then Accept-Language."""
    response = redirect(url_for("pages.home", lang=negotiate_lang()))
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.get("/<lang:lang>/")
def home():
    """What the portal is, who it is for, the next sessions, and where to get help now."""
    def draw() -> str:
        upcoming = next_sessions(db.session, limit=3)
        if upcoming:
            expires_at(upcoming[0].starts_at)
        return render_template("pages/home.html", upcoming=upcoming)

    return cached_html("pages/home.html", draw)


@bp.get("/<lang:lang>/faq")
def faq():
    """Questions people ask, and the rules of engagement (long prose: one template per language)."""
    template = f"pages/faq_{current_lang()}.html"
    return cached_html(template, lambda: render_template(template))
