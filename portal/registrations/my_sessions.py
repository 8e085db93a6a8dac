"""A member's own registrations: the "My sessions" list and the private calendar on the account page.

The accounts feature builds the account page and asks, through its `account_page` signal, for the parts other
features add; `account_part` answers with this section, its data loaded here in two queries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from markupsafe import Markup
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.extensions import db, utcnow
from portal.registrations.feeds import feed_token_issued_at
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession


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


def my_sessions(db_session: Session, user: User, *, now: datetime | None = None) -> list[MySession]:
    """My confirmed and waitlisted sessions that have not ended, soonest first: one query."""
    now = now or utcnow()
    rows = db_session.exec(
        select(Registration, SupportSession).join(SupportSession, SupportSession.id == Registration.session_id)
        .where(Registration.user_id == user.id, Registration.status.in_(("confirmed", "waitlisted")),
               SupportSession.ends_at > now)
        .order_by(SupportSession.starts_at, SupportSession.id)
    ).all()
    return [MySession(session=session, registration=registration) for registration, session in rows]


def account_part(_app, *, user: User) -> Markup:
    """The `account_page` receiver: my sessions and my private calendar, as a part of the account page."""
    return Markup(render_template("registrations/_my_sessions.html", items=my_sessions(db.session, user),
                                  feed_issued_at=feed_token_issued_at(db.session, user)))
