"""What the staff pages read: sessions with their numbers (never names), the failed emails, the record of actions.

Each page runs a fixed number of queries whatever its length: a page of sessions, then one grouped count of the
waiting lists for exactly those sessions.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession
from portal.sessions.services import Listing, escape_like
from portal.staff.models import StaffAction
from portal.urls import parse_page

MAX_QUERY_LENGTH = 200
STATUS_FILTERS = {
    "draft": _l("Drafts"),
    "published": _l("Published, upcoming"),
    "cancelled": _l("Cancelled"),
    "past": _l("Past"),
}


@dataclass
class ConsoleFilters:
    """The session list's GET filters, checked."""

    q: str = ""
    status: str = ""
    page: int = 1
    messages: list[str] = field(default_factory=list)

    def as_args(self, **overrides) -> dict[str, str]:
        """The filters as query arguments, empty ones left out."""
        args = {"q": self.q, "status": self.status, **{k: str(v) for k, v in overrides.items()}}
        return {k: v for k, v in args.items() if v}


def parse_filters(args: Mapping[str, str]) -> ConsoleFilters:
    """Check each filter; a bad value is dropped with a message."""
    filters = ConsoleFilters()
    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        q = q[:MAX_QUERY_LENGTH]
        filters.messages.append(_l("The search was shortened to its first 200 characters."))
    filters.q = q
    status = (args.get("status") or "").strip()
    if status in STATUS_FILTERS:
        filters.status = status
    elif status:
        filters.messages.append(_l("That status does not exist, so it was ignored."))
    page = parse_page(args.get("page"))
    if page is not None:
        filters.page = page
    else:
        filters.messages.append(_l("That page does not exist, so the first page is shown."))
    return filters


@dataclass
class Row:
    """A session as staff see it: places taken, capacity, the size of its waiting list."""

    session: SupportSession
    waitlisted: int
    now: datetime

    @property
    def is_past(self) -> bool:
        """Whether it has started."""
        return self.session.starts_at <= self.now

    @property
    def missing(self) -> list[str]:
        """For a draft, what publishing still needs (field names)."""
        from portal.staff.forms import missing_to_publish

        return missing_to_publish(self.session)


def waitlist_sizes(db: Session, session_ids: list[int]) -> dict[int, int]:
    """How many are waiting for each of these sessions (one grouped query)."""
    if not session_ids:
        return {}
    rows = db.exec(select(Registration.session_id, func.count())
                   .where(Registration.session_id.in_(session_ids), Registration.status == "waitlisted")
                   .group_by(Registration.session_id)).all()
    return dict(rows)


def rows_for(db: Session, sessions: list[SupportSession], *, now: datetime) -> list[Row]:
    """Sessions with their waiting-list sizes."""
    sizes = waitlist_sizes(db, [s.id for s in sessions])
    return [Row(session, sizes.get(session.id, 0), now) for session in sessions]


def console_sessions(db: Session, *, filters: ConsoleFilters, per_page: int, now: datetime) -> Listing:
    """Every session matching the filters: upcoming first (soonest first), then past ones (latest first)."""
    conditions = []
    if filters.status == "draft":
        conditions.append(SupportSession.status == "draft")
    elif filters.status == "published":
        conditions += [SupportSession.status == "scheduled", SupportSession.starts_at > now]
    elif filters.status == "cancelled":
        conditions.append(SupportSession.status == "cancelled")
    elif filters.status == "past":
        conditions += [SupportSession.status == "scheduled", SupportSession.starts_at <= now]
    for word in filters.q.split()[:10]:
        pattern = f"%{escape_like(word)}%"
        conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in (
            SupportSession.title_en, SupportSession.title_fr, SupportSession.moderator,
            SupportSession.moderator_fr))))
    total = db.exec(select(func.count()).select_from(SupportSession).where(*conditions)).one()
    pages = max(1, math.ceil(total / per_page))
    if filters.page > pages:
        filters.page = pages
        filters.messages.append(_l("That page does not exist, so the last page is shown."))
    upcoming = SupportSession.starts_at > now
    order = (case((upcoming, 0), else_=1), case((upcoming, SupportSession.starts_at)),
             SupportSession.starts_at.desc(), SupportSession.id)
    sessions = db.exec(select(SupportSession).where(*conditions).order_by(*order)
                       .offset((filters.page - 1) * per_page).limit(per_page)).all()
    return Listing(rows_for(db, list(sessions), now=now), total, filters.page, per_page)


def upcoming_rows(db: Session, *, now: datetime, limit: int = 50) -> list[Row]:
    """The overview's sessions: upcoming, not cancelled, drafts included, soonest first."""
    sessions = db.exec(select(SupportSession)
                       .where(SupportSession.starts_at > now, SupportSession.status != "cancelled")
                       .order_by(SupportSession.starts_at, SupportSession.id).limit(limit)).all()
    return rows_for(db, list(sessions), now=now)


def failed_email_count(db: Session) -> int:
    """Emails that stopped after their last attempt."""
    return db.exec(select(func.count()).select_from(Notification).where(Notification.status == "failed")).one()


@dataclass
class LogEntry:
    """One staff action with the names staff need: who did it and to which session."""

    action: StaffAction
    actor_name: str | None
    session_title: str | None


def action_log(db: Session, *, page: int, per_page: int) -> Listing:
    """The record of staff actions, newest first (one count, one joined query)."""
    total = db.exec(select(func.count()).select_from(StaffAction)).one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = db.exec(
        select(StaffAction, User.first_name, User.last_name, SupportSession.title_en)
        .outerjoin(User, User.id == StaffAction.actor_id)
        .outerjoin(SupportSession, SupportSession.id == StaffAction.session_id)
        .order_by(StaffAction.created_at.desc(), StaffAction.id.desc())
        .offset((page - 1) * per_page).limit(per_page)).all()
    entries = [LogEntry(action, f"{first} {last}" if first is not None else None, title)
               for action, first, last, title in rows]
    return Listing(entries, total, page, per_page)
