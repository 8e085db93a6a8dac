"""The survey's tables. None of them can say who answered, even to someone holding the whole database.

- `SurveyRound`: a session whose invitations were sent (one row per session, so the clock invites once).
- `SurveyInvitation`: the SHA-256 of one emailed token, its session, the day the link expires and whether it was
  used. No user id, email or notification id; a random id; no time finer than the day. The tokens of a session
  are made in one batch and handed to its members in random order.
- `SurveyResponse`: the session, the answers, the comment and the day. A random id; no IP address, user agent,
  user id, token hash or invitation id.
- `SurveyOptOut`: a member who asked for no survey emails (it names a member, and nothing else points to it).
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Column, Date, ForeignKey, Integer, SmallInteger, Text
from sqlmodel import Field, SQLModel

# The questions, in the order of the form: field name -> (lazy) wording lives in questions.py.
QUESTION_FIELDS = ("supported", "facilitation", "come_again", "recommend")


def _session_fk(**kwargs) -> Column:
    return Column(Integer, ForeignKey("support_session.id", ondelete="CASCADE"), nullable=False, **kwargs)


class SurveyRound(SQLModel, table=True):
    """The invitations of this session have been made (on that day); the clock does not invite twice."""

    __tablename__ = "survey_round"

    session_id: int = Field(sa_column=Column(Integer, ForeignKey("support_session.id", ondelete="CASCADE"),
                                             primary_key=True))
    opened_on: date = Field(sa_column=Column(Date, nullable=False))


class SurveyInvitation(SQLModel, table=True):
    """One emailed link: only the token's SHA-256, its session, the last day it works, and whether it was used."""

    __tablename__ = "survey_invitation"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    session_id: int = Field(sa_column=_session_fk(index=True))
    expires_on: date = Field(sa_column=Column(Date, nullable=False))
    used: bool = Field(default=False)


class SurveyResponse(SQLModel, table=True):
    """One anonymous answer: the session, each answer (1-5, or empty), the comment and the day it came."""

    __tablename__ = "survey_response"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    session_id: int = Field(sa_column=_session_fk(index=True))
    supported: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    facilitation: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    come_again: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    recommend: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    submitted_on: date = Field(sa_column=Column(Date, nullable=False))


class SurveyOptOut(SQLModel, table=True):
    """This member wants no survey emails."""

    __tablename__ = "survey_opt_out"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                                          primary_key=True))
