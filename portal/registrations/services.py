"""Registering, cancelling and the waiting list. Capacity holds under concurrent requests: every change runs in
one transaction that first locks the session (see locking.py), then checks, counts and writes, emails included.

Services never commit: the view (or the CLI command, or the actor) owns the transaction. Call them with a
session whose transaction can write (`db.session` in a POST request, or `db.new_session(write=True)`), then
commit. The confirmed count is `SupportSession.places_taken`, kept here and nowhere else: `_change_status` moves
it whenever a registration enters or leaves "confirmed", with the session's row locked. No flask.request here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.extensions import utcnow
import portal.registrations.outbox as outbox
from portal.registrations.locking import lock_support_session
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession

# Results: the new state ("confirmed", "waitlisted", "cancelled") or why nothing changed.
REFUSALS = ("not_found", "session_cancelled", "closed", "unverified", "not_registered")


@dataclass
class Outcome:
    """What a register or cancel request did. `changed` is False for a repeat (double click, second POST)."""

    result: str
    registration: Registration | None = None
    changed: bool = False
    previous_status: str | None = None
    promoted: list[Registration] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the member now holds the state they asked for."""
        return self.result not in REFUSALS

    @property
    def position(self) -> int | None:
        """The waiting-list position, when waitlisted."""
        return self.registration.waitlist_position if self.result == "waitlisted" and self.registration else None

    @property
    def message(self) -> str:
        """A sentence for the member, in the current language."""
        if self.result == "waitlisted":
            template = _WAITLISTED if self.changed else _STILL_WAITLISTED
            return str(template) % {"position": self.position}
        if self.result == "cancelled" and self.previous_status == "waitlisted":
            return str(_LEFT_WAITLIST)
        if self.result in ("confirmed", "cancelled") and not self.changed:
            return str(_MESSAGES[f"{self.result}_again"])
        return str(_MESSAGES[self.result])


_WAITLISTED = _l("The session is full, so you are on the waiting list (position %(position)d). "
                 "If a place opens, we will email you at once.")
_STILL_WAITLISTED = _l("You are already on the waiting list (position %(position)d).")
_LEFT_WAITLIST = _l("You have left the waiting list.")
_MESSAGES = {
    "confirmed": _l("You are registered. We have emailed you the Zoom link and a calendar invitation."),
    "confirmed_again": _l("You are already registered for this session."),
    "cancelled": _l("Your registration is cancelled. Thank you for freeing your place for a colleague."),
    "cancelled_again": _l("Your registration was already cancelled."),
    "not_found": _l("That session does not exist."),
    "session_cancelled": _l("This session is cancelled, so it is not taking registrations."),
    "closed": _l("Registration closed when the session started."),
    "unverified": _l("Please confirm your email address first: use the link we emailed you when you signed up."),
    "not_registered": _l("You are not registered for this session."),
}


def _next_position(db: Session, session_id: int) -> int:
    last = db.exec(select(func.max(Registration.waitlist_position))
                   .where(Registration.session_id == session_id, Registration.status == "waitlisted")).one()
    return (last or 0) + 1


def _shift_waitlist(db: Session, session_id: int, *, after: int, by: int) -> None:
    """Close a gap: everyone behind `after` moves up `by` places, so positions stay 1..N in their order."""
    db.exec(update(Registration)
            .where(Registration.session_id == session_id, Registration.status == "waitlisted",
                   Registration.waitlist_position > after)
            .values(waitlist_position=Registration.waitlist_position - by))


def _change_status(registration: Registration, status: str, *, session: SupportSession, now: datetime,
                   position: int | None = None) -> None:
    """Move a registration to `status`, keeping the session's confirmed count (places_taken) in step."""
    session.places_taken += (status == "confirmed") - (registration.status == "confirmed")
    registration.status = status
    registration.waitlist_position = position
    registration.revision += 1
    registration.updated_at = now


def fill_free_places(db: Session, session: SupportSession, *, now: datetime) -> list[Registration]:
    """Give free places to the waiting list, first in line first, and tell each person at once.

    Call with the session locked (inside register/cancel, or after staff raise the capacity).
    """
    free = session.capacity - session.places_taken
    if free <= 0:
        return []
    rows = db.exec(select(Registration, User).join(User, User.id == Registration.user_id)
                   .where(Registration.session_id == session.id, Registration.status == "waitlisted")
                   .order_by(Registration.waitlist_position).limit(free)).all()
    if not rows:
        return []
    for registration, member in rows:
        outbox.withdraw_pending(db, registration)  # an unsent "you are on the waiting list" no longer applies
        _change_status(registration, "confirmed", session=session, now=now)
        db.flush()
        outbox.queue_place(db, registration, member, session, now=now, promoted=True)
    _shift_waitlist(db, session.id, after=0, by=len(rows))
    return [registration for registration, _member in rows]


def _refusal(support_session: SupportSession | None, *, now: datetime) -> str | None:
    if support_session is None or support_session.is_draft:
        return "not_found"
    if support_session.is_cancelled:
        return "session_cancelled"
    if support_session.starts_at <= now:
        return "closed"
    return None


def _find(db: Session, session_id: int, user_id: int) -> Registration | None:
    return db.exec(select(Registration).where(Registration.session_id == session_id,
                                              Registration.user_id == user_id)).first()


def register(db: Session, /, *, session_id: int, user: User, now: datetime | None = None) -> Outcome:
    """Take a place in the session, or the next place on its waiting list; repeats change nothing. The caller
    commits."""
    now = now or utcnow()
    support_session = lock_support_session(db, session_id)
    refusal = _refusal(support_session, now=now)
    if refusal:
        return Outcome(refusal)
    member = db.get(User, user.id)
    if member is None or not member.is_verified:
        return Outcome("unverified")
    registration = _find(db, session_id, member.id)
    if registration is not None and registration.status != "cancelled":
        return Outcome(registration.status, registration)
    # Free places (say, after staff raised the capacity) go to the waiting list before any newcomer.
    promoted = fill_free_places(db, support_session, now=now)
    if registration is None:
        registration = Registration(session_id=session_id, user_id=member.id, status="", revision=-1,
                                    created_at=now)
        db.add(registration)
    if support_session.places_taken < support_session.capacity:
        _change_status(registration, "confirmed", session=support_session, now=now)
        db.flush()
        outbox.queue_place(db, registration, member, support_session, now=now)
    else:
        _change_status(registration, "waitlisted", session=support_session, now=now,
                       position=_next_position(db, session_id))
        db.flush()
        outbox.queue_waitlisted(db, registration, member, support_session)
    return Outcome(registration.status, registration, changed=True, promoted=promoted)


def cancel(db: Session, /, *, session_id: int, user: User, now: datetime | None = None) -> Outcome:
    """Give up a place (the first on the waiting list gets it at once) or leave the waiting list. Possible until
    the session starts; repeats change nothing. The caller commits."""
    now = now or utcnow()
    support_session = lock_support_session(db, session_id)
    registration = _find(db, session_id, user.id) if support_session else None
    if support_session is not None and (registration is None or registration.status == "cancelled"):
        return Outcome("cancelled" if registration else "not_registered", registration)
    refusal = _refusal(support_session, now=now)
    if refusal:
        return Outcome(refusal, registration)
    member = db.get(User, user.id)
    previous, position = registration.status, registration.waitlist_position
    outbox.withdraw_pending(db, registration)  # its reminders and any unsent confirmation
    _change_status(registration, "cancelled", session=support_session, now=now)
    db.flush()
    outbox.queue_cancellation(db, registration, member, support_session, previous_status=previous)
    promoted: list[Registration] = []
    if previous == "waitlisted":
        _shift_waitlist(db, session_id, after=position, by=1)
    else:
        promoted = fill_free_places(db, support_session, now=now)
    return Outcome("cancelled", registration, changed=True, previous_status=previous, promoted=promoted)


def withdraw_everything(tx: Session, user: User, *, now: datetime | None = None) -> list[Outcome]:
    """Give up every place and waiting-list entry of a member whose account is being deleted, in the caller's
    transaction (the account deletion's), so the waiting lists move up at once. Sessions that have started are
    left alone: their registrations go with the account row."""
    now = now or utcnow()
    session_ids = tx.exec(
        select(Registration.session_id).join(SupportSession, SupportSession.id == Registration.session_id)
        .where(Registration.user_id == user.id, Registration.status.in_(("confirmed", "waitlisted")),
               SupportSession.starts_at > now)
        .order_by(Registration.session_id)).all()  # one lock order for everyone: no deadlock between deletions
    return [cancel(tx, session_id=session_id, user=user, now=now) for session_id in session_ids]
