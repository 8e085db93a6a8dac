"""What the registration pieces of a page need in a request: the session page's panel, the account page's list.

Views call `panel_context()`; the account page's `registrations/_my_sessions.html` calls `my_registrations()`
(a template global), so the accounts feature needs no knowledge of registrations. Both take a constant number of
queries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_login import current_user

from portal.extensions import db
from portal.registrations.account import MySession, Panel, my_sessions, registration_panel
from portal.registrations.feeds import feed_token_issued_at


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def panel_context(session_id: int, *, message: str = "", ok: bool = True) -> dict:
    """Template context for sessions/_registration.html: the viewer's panel and the outcome just announced."""
    panel: Panel | None = registration_panel(db.session, session_id=session_id, user=_viewer())
    return {"panel": panel, "message": message, "message_ok": ok}


@dataclass
class MyRegistrations:
    """The account page's registrations section: upcoming places and waiting-list entries, and the feed."""

    items: list[MySession]
    feed_issued_at: datetime | None


def my_registrations() -> MyRegistrations:
    """The signed-in member's upcoming sessions and calendar-feed state (two queries)."""
    user = _viewer()
    if user is None:
        return MyRegistrations([], None)
    return MyRegistrations(my_sessions(db.session, user), feed_token_issued_at(db.session, user))
