"""What a member sees of their own registrations: the account page's list and a session page's panel."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from portal.accounts.models import User
from portal.extensions import utcnow
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession
from portal.sessions.services import get_session


@dataclass
class MySession:
    """One of my upcoming sessions: confirmed, or waitlisted at a position."""

    session: SupportSession
    registration: Registration

    @property
    def status(self) -> str:
        """confirmed or waitlisted."""
        return self.registration.status

    @property
    def position(self) -> int | None:
        """My waiting-list position (None when confirmed)."""
        return self.registration.waitlist_position

    @property
    def zoom_url(self) -> str:
        """The Zoom link, only for a confirmed place in a session that still takes place."""
        if self.registration.is_confirmed and not self.session.is_cancelled:
            return self.session.zoom_url
        return ""


def my_sessions(db: Session, user: User, *, now: datetime | None = None) -> list[MySession]:
    """My confirmed and waitlisted sessions that have not ended, soonest first: one query."""
    now = now or utcnow()
    rows = db.exec(
        select(Registration, SupportSession).join(SupportSession, SupportSession.id == Registration.session_id)
        .where(Registration.user_id == user.id, Registration.status.in_(("confirmed", "waitlisted")),
               SupportSession.ends_at > now)
        .order_by(SupportSession.starts_at, SupportSession.id)
    ).all()
    return [MySession(session=session, registration=registration) for registration, session in rows]


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


def registration_panel(db: Session, *, session_id: int, user: User | None,
                       now: datetime | None = None) -> Panel | None:
    """The panel's state for a viewer (None or an anonymous user: sign in to register); None for no session.

    Two queries: the session with its confirmed count, and the viewer's registration.
    """
    now = now or utcnow()
    item = get_session(db, session_id)
    if item is None:
        return None
    session, started = item.session, item.session.starts_at <= now
    if session.is_cancelled:
        return Panel("cancelled", 0)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    registration = db.exec(select(Registration).where(Registration.session_id == session_id,
                                                      Registration.user_id == user.id)).first() if signed_in else None
    if registration is not None and registration.is_confirmed:
        return Panel("registered", item.places_left, zoom_url=session.zoom_url, can_cancel=not started)
    if registration is not None and registration.is_waitlisted:
        return Panel("waitlisted", item.places_left, position=registration.waitlist_position,
                     can_cancel=not started)
    if started:
        return Panel("closed", item.places_left)
    if not signed_in:
        return Panel("anonymous", item.places_left)
    if not user.is_verified:
        return Panel("unverified", item.places_left)
    return Panel("full" if item.places_left == 0 else "open", item.places_left)
