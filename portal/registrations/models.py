"""A member's place (or waiting-list place) in a session. Deleted after the session: no attendance record."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.extensions import UTCDateTime, utcnow

REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")


class Registration(SQLModel, table=True):
    """Unique per (session, user); status confirmed, waitlisted or cancelled."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_registration_session_user"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("support_session.id", ondelete="CASCADE"), nullable=False, index=True))
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True))
    status: str = Field(max_length=16, index=True)
    waitlist_position: int | None = Field(default=None)
    # Raised on every change of status. It is added to the session's ics_sequence in this member's invites (so a
    # CANCEL outranks the REQUEST before it, and a re-registration's REQUEST outranks the CANCEL) and it is part
    # of the outbox dedupe keys (so registering again after cancelling is new mail, and a repeat is not).
    revision: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

    @property
    def is_confirmed(self) -> bool:
        """Whether this member has a place."""
        return self.status == "confirmed"

    @property
    def is_waitlisted(self) -> bool:
        """Whether this member is on the waiting list."""
        return self.status == "waitlisted"


class CalendarFeed(SQLModel, table=True):
    """A member's private calendar-feed token. Only its SHA-256 is stored: the URL is shown once, when issued."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, unique=True))
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
