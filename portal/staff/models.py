"""The record of what staff did: one row per action, written in the transaction of the change it records."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from portal.extensions import UTCDateTime, utcnow

ACTIONS = {
    "created_draft": _l("Saved a new draft"),
    "published_new": _l("Published a new session"),
    "saved_draft": _l("Saved a draft"),
    "published": _l("Published a draft"),
    "changed": _l("Changed a session"),
    "cancelled": _l("Cancelled a session"),
    "duplicated": _l("Duplicated a session"),
}


class StaffAction(SQLModel, table=True):
    """Who (a staff account; empty once that account is deleted), what, which session, when, and what changed."""

    __tablename__ = "staff_action"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True))
    action: str = Field(max_length=32)
    session_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("support_session.id", ondelete="SET NULL"), nullable=True, index=True))
    # What changed, as "field: old → new" lines in English field names (staff read it; it is not member data).
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True))
