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
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
