"""Session views: thin, they parse, call services and render."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from portal.extensions import db, utcnow
from portal.htmx import render
from portal.i18n import current_lang
import portal.sessions.services as services
from portal.sessions.calendar import build_calendar, session_event
from portal.sessions.models import SupportSession
from portal.sessions.signals import session_page
from portal.urls import absolute_url

bp = Blueprint("sessions", __name__, url_prefix="/<lang:lang>")


def _listing_context():
    filters = services.parse_filters(request.args)
    listing = services.list_upcoming(db.session, filters=filters,
                                     per_page=current_app.config["SESSIONS_PER_PAGE"])
    return {"filters": filters, "listing": listing, "groups": services.group_by_day(listing.items)}


@bp.get("/sessions")
def listing():
    """Upcoming sessions, filtered; an htmx request gets only the results fragment."""
    return render("sessions/listing.html", "sessions/_results.html", **_listing_context())


def get_session_or_404(session_id: int) -> SupportSession:
    """The public session, or the 404 page (a draft is not public)."""
    session = db.session.get(SupportSession, session_id)
    if session is None or session.is_draft:
        abort(404)
    return session


def page_parts(session: SupportSession) -> list[Markup]:
    """The parts other features add to the session page (the registration panel), given the loaded session."""
    replies = session_page.send(current_app._get_current_object(), session=session)
    return [part for _receiver, part in replies if part]


@bp.get("/sessions/<int:session_id>")
def detail(session_id: int):
    """One session: description, moderator, time, format, calendar link and the parts other features add (the
    viewer's registration panel); an htmx request gets only those parts."""
    session = get_session_or_404(session_id)
    response = render("sessions/detail.html", "sessions/_page_parts.html", session=session,
                      has_started=session.starts_at <= utcnow(), parts=page_parts(session))
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"  # a member's page can hold their Zoom link
    return response


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _public_event(session: SupportSession):
    lang = current_lang()
    return session_event(session, lang=lang, page_url=absolute_url("sessions.detail", lang=lang, session_id=session.id))


@bp.get("/sessions.ics")
def calendar_feed():
    """The public feed of upcoming sessions (never a Zoom link)."""
    listing = services.list_upcoming(db.session, filters=services.ListingFilters(), per_page=500)
    body = build_calendar((_public_event(session) for session in listing.items),
                          name=_("Wellness Connection sessions"))
    return _ics_response(body, "wellness-connection.ics")


@bp.get("/sessions/<int:session_id>.ics")
def calendar_event(session_id: int):
    """One session as a calendar file, to add to a calendar (never a Zoom link)."""
    session = get_session_or_404(session_id)
    return _ics_response(build_calendar([_public_event(session)]), f"session-{session_id}.ics")
