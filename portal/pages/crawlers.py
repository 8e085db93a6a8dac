"""What search engines may read: robots.txt keeps private and token URLs out, sitemap.xml lists the public pages in
both languages (each with its alternate), and private pages answer with X-Robots-Tag: noindex as well, because a
Disallow line alone does not stop a search engine from listing a URL it found elsewhere."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, render_template, request

from portal.extensions import db
from portal.i18n import HTML_LANGS, LANGUAGES
from portal.sessions.services import next_sessions
from portal.urls import absolute_url

bp = Blueprint("crawlers", __name__)

# Staff pages, the account (its verify, email-change and reset links carry tokens), survey links (tokens) and
# private calendar feeds (tokens). Public pages: home, sessions, FAQ, help.
PRIVATE_PREFIXES = tuple(f"/{lang}/{area}" for lang in LANGUAGES for area in ("staff", "account", "surveys")) + \
    ("/calendar/",)
PUBLIC_ENDPOINTS = ("pages.home", "sessions.listing", "pages.faq", "directory.get_help")
SITEMAP_SESSIONS = 200


@bp.get("/robots.txt")
def robots():
    """Keep staff, account and token URLs out of search indexes; point to the sitemap."""
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES),
             "", f"Sitemap: {absolute_url('crawlers.sitemap')}", ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/sitemap.xml")
def sitemap():
    """The public pages and upcoming sessions, each in English and French with hreflang alternates."""
    pages = [{lang: absolute_url(endpoint, lang=lang) for lang in LANGUAGES} for endpoint in PUBLIC_ENDPOINTS]
    for session in next_sessions(db.session, limit=SITEMAP_SESSIONS):
        pages.append({lang: absolute_url("sessions.detail", lang=lang, session_id=session.id) for lang in LANGUAGES})
    body = render_template("sitemap.xml", pages=pages, hreflangs=HTML_LANGS)
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _noindex_private_pages(response: Response) -> Response:
    if request.path.startswith(PRIVATE_PREFIXES):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def init_app(app: Flask) -> None:
    """Register robots.txt, sitemap.xml and the noindex header."""
    app.register_blueprint(bp)
    app.after_request(_noindex_private_pages)
