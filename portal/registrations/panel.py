"""The registration panel on a session page: what this viewer can do with this session, in one query.

The sessions feature builds the page and asks, through its `session_page` signal, for the parts other features add;
`panel_part` answers with the panel, given the session the page already loaded.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_login import current_user
from markupsafe import Markup
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.extensions import db, utcnow
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession

# Panel states, in the order they are decided.
PANEL_STATES = ("cancelled", "registered", "waitlisted", "closed", "anonymous", "unverified", "full", "open")


@dataclass
class Panel:
    """What the registration panel on a session page shows to this viewer."""

    state: str
    places_left: int
    position: int | None = None
    zoom_url: str = ""
    can_cancel: bool = False


def registration_panel(db_session: Session, *, session: SupportSession, user: User | None,
                       now: datetime | None = None) -> Panel:
    """The panel's state for a viewer (None or an anonymous user: sign in to register): at most one query, the
    viewer's registration."""
    now = now or utcnow()
    started = session.starts_at <= now
    if session.is_cancelled:
        return Panel("cancelled", 0)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    registration = db_session.exec(
        select(Registration).where(Registration.session_id == session.id, Registration.user_id == user.id)
    ).first() if signed_in else None
    if registration is not None and registration.is_confirmed:
        return Panel("registered", session.places_left, zoom_url=session.zoom_url, can_cancel=not started)
    if registration is not None and registration.is_waitlisted:
        return Panel("waitlisted", session.places_left, position=registration.waitlist_position,
                     can_cancel=not started)
    if started:
        return Panel("closed", session.places_left)
    if not signed_in:
        return Panel("anonymous", session.places_left)
    if not user.is_verified:
        return Panel("unverified", session.places_left)
    return Panel("full" if session.places_left == 0 else "open", session.places_left)


def render_panel(session: SupportSession, *, message: str = "", ok: bool = True, oob_places: bool = False) -> str:
    """registrations/_panel.html for the signed-in viewer (or a visitor), with the outcome just announced; with
    `oob_places`, the page's places count is updated too (htmx out-of-band swap)."""
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    panel = registration_panel(db.session, session=session, user=viewer)
    return render_template("registrations/_panel.html", session=session, panel=panel, message=message,
                           message_ok=ok, oob_places=oob_places)


def panel_part(_app, *, session: SupportSession) -> Markup:
    """The `session_page` receiver: the panel, as a part of the session page."""
    return Markup(render_panel(session))
