"""Session views: thin, they parse, call services and render."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from portal.extensions import db, utcnow
from portal.caching import expires_at
from portal.htmx import render_shared
from portal.i18n import current_lang
import portal.sessions.services as services
from portal.sessions.calendar import build_calendar, session_event
from portal.sessions.models import SupportSession
from portal.sessions.signals import session_page
from portal.urls import absolute_url

bp = Blueprint("sessions", __name__, url_prefix="/<lang:lang>")


def _listing_context(filters: services.ListingFilters) -> dict:
    listing = services.list_upcoming(db.session, filters=filters,
                                     per_page=current_app.config["SESSIONS_PER_PAGE"])
    if listing.items:
        expires_at(listing.items[0].starts_at)  # the soonest session leaves the list when it starts
    return {"filters": filters, "listing": listing, "groups": services.group_by_day(listing.items)}


@bp.get("/sessions")
def listing():
    """Upcoming sessions, filtered; an htmx request gets only the results fragment. Shared between visitors
    (portal.caching) unless a filter needed correcting."""
    filters = services.parse_filters(request.args)
    key = None if filters.messages else urlencode(filters.as_args(page=filters.page))
    return render_shared("sessions/listing.html", "sessions/_results.html", lambda: _listing_context(filters),
                         key=key)


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
    def context() -> dict:
        session = get_session_or_404(session_id)
        has_started = session.starts_at <= utcnow()
        if not has_started:
            expires_at(session.starts_at)
        return {"session": session, "has_started": has_started, "parts": page_parts(session)}

    response = render_shared("sessions/detail.html", "sessions/_page_parts.html", context, key=str(session_id))
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"  # a member's page can hold their Zoom link
    return response


def _ics_response(body: bytes, filename: str, sessions: list[SupportSession]) -> Response:
    """A public calendar with an ETag (its bytes are stable: DTSTAMP is the session's last change) and
    Last-Modified (the latest change among its sessions); a matching If-None-Match or If-Modified-Since gets 304."""
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    changes = [session.updated_at for session in sessions if session.updated_at]
    if changes:
        response.last_modified = max(changes)
    response.add_etag()
    return response.make_conditional(request)


def _public_event(session: SupportSession):
    lang = current_lang()
    return session_event(session, lang=lang, page_url=absolute_url("sessions.detail", lang=lang, session_id=session.id))


@bp.get("/sessions.ics")
def calendar_feed():
    """The public feed of upcoming sessions (never a Zoom link)."""
    listing = services.list_upcoming(db.session, filters=services.ListingFilters(), per_page=500)
    body = build_calendar((_public_event(session) for session in listing.items),
                          name=_("Wellness Connection sessions"))
    return _ics_response(body, "wellness-connection.ics", listing.items)


@bp.get("/sessions/<int:session_id>.ics")
def calendar_event(session_id: int):
    """One session as a calendar file, to add to a calendar (never a Zoom link)."""
    session = get_session_or_404(session_id)
    return _ics_response(build_calendar([_public_event(session)]), f"session-{session_id}.ics", [session])
