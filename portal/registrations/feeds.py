"""Private calendar feeds: an unguessable token per member, stored only as its SHA-256, revocable.

The token is 256 random bits, so a plain SHA-256 is enough (no salt or slow hash needed: there is nothing to
guess). The URL can be shown only when it is issued; issuing again replaces it, and the old one stops working.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.extensions import utcnow
from portal.i18n import LANGUAGES
from portal.times import BABEL_LOCALES
from portal.registrations.invites import member_event
from portal.registrations.models import CalendarFeed, Registration
from portal.sessions.calendar import build_calendar
from portal.sessions.models import SupportSession

_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue_feed_token(db: Session, user: User) -> str:
    """A new feed token for the member (replacing any earlier one); returns the token itself. The caller commits."""
    token = secrets.token_urlsafe(32)
    feed = db.exec(select(CalendarFeed).where(CalendarFeed.user_id == user.id)).first()
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=_digest(token))
    else:
        feed.token_hash, feed.created_at = _digest(token), utcnow()
    db.add(feed)
    return token


def revoke_feed_token(db: Session, user: User) -> bool:
    """Turn the member's feed off; True when there was one. The caller commits."""
    result = db.exec(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return bool(result.rowcount)


def feed_token_issued_at(db: Session, user: User) -> datetime | None:
    """When the member's current feed token was issued, or None (for the account page)."""
    return db.exec(select(CalendarFeed.created_at).where(CalendarFeed.user_id == user.id)).first()


def user_for_feed_token(db: Session, token: str) -> User | None:
    """The member a feed token belongs to; None for anything else (malformed, revoked, replaced)."""
    if not token or not _TOKEN_SHAPE.fullmatch(token):
        return None
    return db.exec(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
                   .where(CalendarFeed.token_hash == _digest(token))).first()


def feed_for(db: Session, user: User, *, lang: str | None = None, now: datetime | None = None) -> bytes:
    """An ICS of the member's confirmed sessions that have not ended, with their Zoom links (private feed)."""
    now = now or utcnow()
    lang = lang if lang in LANGUAGES else (user.locale if user.locale in LANGUAGES else "en")
    rows = db.exec(
        select(Registration, SupportSession).join(SupportSession, SupportSession.id == Registration.session_id)
        .where(Registration.user_id == user.id, Registration.status == "confirmed", SupportSession.ends_at > now)
        .order_by(SupportSession.starts_at)
    ).all()
    with force_locale(BABEL_LOCALES[lang]):
        events = [member_event(session, registration, user, lang=lang, with_zoom=True)
                  for registration, session in rows]
        return build_calendar(events, name=_("My Wellness Connection sessions"))
