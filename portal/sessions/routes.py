"""Session views: thin, they parse, call services and render."""
from __future__ import annotations

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db, utcnow
from portal.htmx import render
from portal.i18n import current_lang
from portal.sessions import bp, services
from portal.sessions.calendar import build_calendar, session_event
from portal.sessions.models import SupportSession


def _listing_context():
    filters = services.parse_filters(request.args)
    listing = services.list_upcoming(db.session, filters=filters,
                                     per_page=current_app.config["SESSIONS_PER_PAGE"])
    return {"filters": filters, "listing": listing, "groups": services.group_by_day(listing.items)}


@bp.get("/sessions")
def listing():
    """Upcoming sessions, filtered; an htmx request gets only the results fragment."""
    return render("sessions/listing.html", "sessions/_results.html", **_listing_context())


def get_listed_session_or_404(session_id: int) -> services.ListedSession:
    """The session with its counts, or the 404 page."""
    item = services.get_session(db.session, session_id)
    if item is None:
        abort(404)
    return item


@bp.get("/sessions/<int:session_id>")
def detail(session_id: int):
    """One session: description, moderator, time, format, calendar link and the viewer's registration panel;
    an htmx request gets only the panel (sessions/_registration.html)."""
    # Imported here: the registrations package imports the sessions models, whose package imports this module.
    from portal.registrations.page_context import panel_context

    item = get_listed_session_or_404(session_id)
    response = render("sessions/detail.html", "sessions/_registration.html", item=item, session=item.session,
                      has_started=item.session.starts_at <= utcnow(), **panel_context(session_id))
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"  # a member's page can hold their Zoom link
    return response


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _public_event(session: SupportSession):
    base_url = current_app.config["PORTAL_BASE_URL"]
    page_url = base_url + url_for("sessions.detail", session_id=session.id)
    return session_event(session, lang=current_lang(), base_url=base_url, page_url=page_url)


@bp.get("/sessions.ics")
def calendar_feed():
    """The public feed of upcoming sessions (never a Zoom link)."""
    filters = services.ListingFilters()
    listing = services.list_upcoming(db.session, filters=filters, per_page=500)
    body = build_calendar((_public_event(item.session) for item in listing.items),
                          name=_("Wellness Connection sessions"))
    return _ics_response(body, "wellness-connection.ics")


@bp.get("/sessions/<int:session_id>.ics")
def calendar_event(session_id: int):
    """One session as a calendar file, to add to a calendar (never a Zoom link)."""
    item = get_listed_session_or_404(session_id)
    return _ics_response(build_calendar([_public_event(item.session)]), f"session-{session_id}.ics")
