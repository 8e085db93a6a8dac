"""Inviting the members who took part: one batch of tokens per ended session, handed out in random order.

The clock runs `invite_ended_sessions` (surveys.init_app adds it ahead of the retention purge, which deletes the
registrations it reads). For each session that ended in the last INVITE_WITHIN_DAYS and was not cancelled:
1. the confirmed registrants who have not opted out are read;
2. that many tokens are made at once; the invitation rows (the tokens' SHA-256, the session, the last day the link
   works) are written in the order of their hashes, which says nothing about anyone;
3. the tokens are shuffled (SystemRandom) and handed to the members: each email's payload carries its token until
   delivery is over, then `forget_token` clears it. From then on no row joins a member to an invitation.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, datetime, timedelta
from random import SystemRandom

from sqlalchemy import delete
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.extensions import db as portal_db
from portal.extensions import utcnow
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession
from portal.surveys.models import SurveyInvitation, SurveyOptOut, SurveyRound
from portal.times import EASTERN

INVITATION_KIND = "survey_invitation"
INVITE_WITHIN_DAYS = 7  # a session that ended longer ago gets no invitations, and unsent ones are dropped
LINK_DAYS = 14  # a link works until 14 days after the session's day
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def eastern_day(instant: datetime) -> date:
    """The programme's day (Eastern Time) of an instant: the only precision the survey's tables keep."""
    return instant.astimezone(EASTERN).date()


def hash_token(token: str) -> str:
    """The SHA-256 (hex) stored in place of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def sessions_to_invite(db: Session, *, now: datetime) -> list[SupportSession]:
    """Sessions that ended within INVITE_WITHIN_DAYS, took place (not cancelled or draft), not yet invited."""
    invited = select(SurveyRound.session_id)
    return list(db.exec(
        select(SupportSession).where(SupportSession.status == "scheduled", SupportSession.ends_at <= now,
                                     SupportSession.ends_at > now - timedelta(days=INVITE_WITHIN_DAYS),
                                     SupportSession.id.not_in(invited))
        .order_by(SupportSession.id)).all())


def open_round(db: Session, session: SupportSession, *, now: datetime) -> int:
    """Make the session's invitations and queue their emails; returns how many. The caller commits."""
    opted_out = select(SurveyOptOut.user_id)
    invitees = db.exec(
        select(Registration, User).join(User, User.id == Registration.user_id)
        .where(Registration.session_id == session.id, Registration.status == "confirmed",
               User.id.not_in(opted_out))).all()
    tokens = [secrets.token_urlsafe(TOKEN_BYTES) for _ in invitees]
    expires_on = eastern_day(session.ends_at) + timedelta(days=LINK_DAYS)
    for token_hash in sorted(hash_token(token) for token in tokens):
        db.add(SurveyInvitation(token_hash=token_hash, session_id=session.id, expires_on=expires_on))
    SystemRandom().shuffle(tokens)
    for (registration, member), token in zip(invitees, tokens, strict=True):
        # registration_id: the retention purge deletes this row with the registration, like every email about it.
        notify(db, kind=INVITATION_KIND, recipient_email=member.email, user_id=member.id, locale=member.locale,
               session_id=session.id, registration_id=registration.id, payload={"token": token},
               dedupe_key=f"{INVITATION_KIND}:{session.id}:{member.id}", due_at=now)
    db.add(SurveyRound(session_id=session.id, opened_on=eastern_day(now)))
    return len(tokens)


def drop_stale(db: Session, *, now: datetime) -> int:
    """Delete invitation emails still unsent INVITE_WITHIN_DAYS after they were queued, with their invitations
    (their links could no longer be asked for); returns how many. The caller commits."""
    stale = db.exec(select(Notification).where(Notification.kind == INVITATION_KIND,
                                               Notification.status.in_(("pending", "failed")),
                                               Notification.due_at < now - timedelta(days=INVITE_WITHIN_DAYS))).all()
    hashes = [hash_token(token) for token in (n.payload_data.get("token") for n in stale) if isinstance(token, str)]
    if hashes:
        db.exec(delete(SurveyInvitation).where(SurveyInvitation.token_hash.in_(hashes)))
    for notification in stale:
        db.delete(notification)
    return len(stale)


def forget_token(notification: Notification) -> None:
    """After delivery (sent or skipped): the outbox row keeps no copy of the token, so nothing joins the member
    it names to an invitation."""
    notification.payload = "{}"


def _work_to_do(db: Session, now: datetime) -> bool:
    if sessions_to_invite(db, now=now):
        return True
    cutoff = now - timedelta(days=INVITE_WITHIN_DAYS)
    return db.exec(select(Notification.id).where(Notification.kind == INVITATION_KIND,
                                                 Notification.status.in_(("pending", "failed")),
                                                 Notification.due_at < cutoff).limit(1)).first() is not None


def run_invitations(*, now: datetime | None = None) -> int:
    """Invite every ended session's members and drop stale invitations, in one committed write transaction."""
    now = now or utcnow()
    with portal_db.new_session(write=True) as db:
        invited = sum(open_round(db, session, now=now) for session in sessions_to_invite(db, now=now))
        drop_stale(db, now=now)
        db.commit()
    return invited


def invite_ended_sessions(db: Session) -> int:
    """The clock's job. A cheap read first: most ticks there is nothing to do, and the write transaction would
    hold SQLite's write lock for nothing."""
    now = utcnow()
    if not _work_to_do(db, now):
        return 0
    db.rollback()
    return run_invitations(now=now)


def payload_token(notification: Notification) -> str | None:
    """The token an invitation email carries (None once delivery is over, or if malformed)."""
    token = notification.payload_data.get("token")
    return token if isinstance(token, str) and TOKEN_SHAPE.fullmatch(token) else None

