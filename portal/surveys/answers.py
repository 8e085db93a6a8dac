"""Answering the survey: find the invitation behind a token, and record one anonymous answer for it.

The answer is written with the session, the answers, the comment and the day, under a random id. The invitation
is only marked used: nothing joins the response to it, and no time finer than the day is kept anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from portal.sessions.models import SupportSession
from portal.surveys.invitations import TOKEN_SHAPE, hash_token
from portal.surveys.models import QUESTION_FIELDS, SurveyInvitation, SurveyResponse


@dataclass
class Lookup:
    """What a token leads to: state "open", "used", "expired" or "unknown", and for a known one its session."""

    state: str
    session: SupportSession | None = None
    invitation: SurveyInvitation | None = None


def look_up(db: Session, token: str, *, today: date, lock: bool = False) -> Lookup:
    """The invitation behind a token and whether it can still be answered (`lock`: hold its row until commit)."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return Lookup("unknown")
    query = select(SurveyInvitation).where(SurveyInvitation.token_hash == hash_token(token))
    if lock and db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    invitation = db.exec(query).first()
    if invitation is None:
        return Lookup("unknown")
    session = db.get(SupportSession, invitation.session_id)
    if invitation.used:
        return Lookup("used", session, invitation)
    if invitation.expires_on < today:
        return Lookup("expired", session, invitation)
    return Lookup("open", session, invitation)


def submit(db: Session, token: str, *, answers: dict[str, int | None], comment: str, today: date) -> Lookup:
    """Record the answer if the token is still open, and mark it used; returns the lookup as it was. The caller
    commits (on SQLite the request's write transaction already serialises two posts of the same token)."""
    found = look_up(db, token, today=today, lock=True)
    if found.state != "open":
        return found
    found.invitation.used = True
    db.add(found.invitation)
    values = {name: answers.get(name) for name in QUESTION_FIELDS}
    db.add(SurveyResponse(session_id=found.invitation.session_id, comment=comment.strip(), submitted_on=today,
                          **values))
    return found
