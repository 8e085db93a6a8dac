"""What the staff console does to sessions: create, change, cancel, duplicate; each change recorded in staff_action.

Services never commit: the view owns the transaction, so the session, its staff_action row and the emails the
change owes registered members (queued by the registration feature, which hears `session_changed` inside this
transaction) are written together or not at all. Changing or cancelling a session takes the session's lock first
(the one registrations take), so a capacity check and a registration can never interleave.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from portal.accounts.models import User
from portal.registrations.locking import lock_support_session
from portal.sessions.models import SupportSession
from portal.sessions.signals import session_changed
from portal.staff.forms import SessionValues
from portal.staff.models import StaffAction
from portal.times import EASTERN, NonexistentTime, eastern_instant

# Changes registered members are told about by email (with a new invite for those holding a place).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "zoom_url")
EDITABLE_FIELDS = ("title_en", "title_fr", "description_en", "description_fr", "format", "topics", "language",
                   "moderator", "moderator_fr", "starts_at", "ends_at", "capacity", "zoom_url")


class Refused(Exception):
    """The change cannot be made; `field` (a form field name, or None) and `message` say why."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass
class Result:
    """What a console action did: the session and the fields that changed (name -> (old, new))."""

    session: SupportSession
    changes: dict


def record(db: Session, *, actor: User, action: str, session: SupportSession | None, summary: str = "",
           now: datetime) -> StaffAction:
    """Write one staff_action row in the caller's transaction."""
    row = StaffAction(actor_id=actor.id, action=action, session_id=session.id if session else None,
                      summary=summary[:4000], created_at=now)
    db.add(row)
    return row


def _shown(name: str, value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M %Z")
    if isinstance(value, list):
        return ", ".join(value) or "—"
    text = str(value)
    return (text[:60] + "…") if len(text) > 60 else (text or "—")


def summarize(changes: dict) -> str:
    """"field: old → new" lines (long texts cut short), for the record."""
    return "\n".join(f"{name}: {_shown(name, old)} → {_shown(name, new)}" for name, (old, new) in changes.items())


def create_session(db: Session, *, values: SessionValues, publish: bool, actor: User, now: datetime) -> Result:
    """A new session: published at once, or kept as a draft nobody else sees."""
    if values.starts_at <= now:
        raise Refused(_l("The start time has passed: choose a time in the future."), "starts_at")
    session = SupportSession(**_columns(values), status="scheduled" if publish else "draft", created_at=now,
                             updated_at=now)
    db.add(session)
    db.flush()
    record(db, actor=actor, action="published_new" if publish else "created_draft", session=session,
           summary=_describe(session), now=now)
    return Result(session, {})


def _columns(values: SessionValues) -> dict:
    return {"title_en": values.title_en, "title_fr": values.title_fr, "description_en": values.description_en,
            "description_fr": values.description_fr, "format": values.format, "topics": values.topics,
            "language": values.language, "moderator": values.moderator, "moderator_fr": values.moderator_fr,
            "starts_at": values.starts_at,
            "ends_at": values.ends_at, "capacity": values.capacity, "zoom_url": values.zoom_url}


def _describe(session: SupportSession) -> str:
    return summarize({name: ("", getattr(session, name)) for name in ("title_en", "starts_at", "capacity")})


def _locked(db: Session, session_id: int) -> SupportSession:
    session = lock_support_session(db, session_id)
    if session is None:
        raise LookupError(session_id)
    return session


def update_session(db: Session, *, session_id: int, values: SessionValues, publish: bool, actor: User,
                   now: datetime) -> Result:
    """Change a session (and publish a draft when asked). Members already registered hear about a new time,
    length or Zoom link; a larger capacity gives places to the waiting list at once. LookupError when the
    session does not exist; Refused when the change cannot be made."""
    session = _locked(db, session_id)
    if session.is_cancelled:
        raise Refused(_l("This session is cancelled and can no longer be changed."))
    if not publish and not session.is_draft:
        raise Refused(_l("A published session cannot go back to being a draft. Cancel it instead if it will not "
                         "take place."))
    new = _columns(values)
    if set(new["topics"]) == set(session.topics):
        new["topics"] = list(session.topics)  # the same topics ticked: their order is the form's, not a change
    changes = {name: (getattr(session, name), value) for name, value in new.items()
               if getattr(session, name) != value}
    if "starts_at" in changes and values.starts_at <= now:
        raise Refused(_l("The start time has passed: choose a time in the future."), "starts_at")
    if "capacity" in changes and values.capacity < session.places_taken:
        raise Refused(_l("%(taken)d members already hold a place, so the session needs at least %(taken)d places. "
                         "Members who no longer need their place can cancel it themselves.",
                         taken=session.places_taken), "capacity")
    publishing = publish and session.is_draft
    if publishing and values.starts_at <= now:
        raise Refused(_l("The start time has passed: choose a time in the future."), "starts_at")
    if publishing:
        changes["status"] = (session.status, "scheduled")
    for name, (_old, value) in changes.items():
        setattr(session, name, value)
    if not changes:
        return Result(session, changes)
    if any(name in changes for name in NOTIFIED_FIELDS) and not session.is_draft:
        session.ics_sequence += 1  # invites already sent are outranked by the next one
    session.updated_at = now
    action = "published" if publishing else ("changed" if not session.is_draft else "saved_draft")
    record(db, actor=actor, action=action, session=session, summary=summarize(changes), now=now)
    db.flush()
    if not session.is_draft and not publishing:
        session_changed.send(current_app._get_current_object(), db=db, session=session, changes=changes)
    return Result(session, changes)


def cancel_session(db: Session, *, session_id: int, actor: User, now: datetime) -> Result:
    """Cancel a session: registration closes, its page says so, members get a cancellation (METHOD:CANCEL for
    those holding a place). Cancelling twice changes nothing."""
    session = _locked(db, session_id)
    if session.is_cancelled:
        return Result(session, {})
    changes = {"status": (session.status, "cancelled")}
    was_draft = session.is_draft
    session.status = "cancelled"
    session.ics_sequence += 1
    session.updated_at = now
    record(db, actor=actor, action="cancelled", session=session, summary=summarize(changes), now=now)
    db.flush()
    if not was_draft:
        session_changed.send(current_app._get_current_object(), db=db, session=session, changes=changes)
    return Result(session, changes)


def week_later(starts_at: datetime) -> datetime:
    """The same Eastern wall-clock time seven days later, across a change of daylight saving too. A time the
    spring change skips (2:30 a.m.) becomes the time the clocks show an hour later (3:30 a.m.)."""
    local = starts_at.astimezone(EASTERN)
    day = local.date() + timedelta(days=7)
    try:
        return eastern_instant(day, local.time(), fold=local.fold)
    except NonexistentTime:
        return eastern_instant(day, local.time().replace(hour=local.hour + 1))


def duplicate_session(db: Session, *, session_id: int, actor: User, now: datetime) -> Result:
    """A draft copy one week later at the same Eastern time, for staff to check and publish. LookupError when
    the session does not exist."""
    original = db.get(SupportSession, session_id)
    if original is None:
        raise LookupError(session_id)
    starts = week_later(original.starts_at)
    copy = SupportSession(
        title_en=original.title_en, title_fr=original.title_fr, description_en=original.description_en,
        description_fr=original.description_fr, format=original.format, topics=list(original.topics),
        language=original.language, moderator=original.moderator, moderator_fr=original.moderator_fr,
        starts_at=starts,
        ends_at=starts + (original.ends_at - original.starts_at), capacity=original.capacity,
        zoom_url=original.zoom_url, status="draft", created_at=now, updated_at=now)
    db.add(copy)
    db.flush()
    record(db, actor=actor, action="duplicated", session=copy,
           summary=f"copy of #{original.id}\n{_describe(copy)}", now=now)
    return Result(copy, {})
