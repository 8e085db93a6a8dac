"""The outbox: every email the portal owes someone, written in the same transaction as its cause."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from portal.extensions import UTCDateTime, utcnow

NOTIFICATION_STATUSES = ("pending", "sent", "failed", "skipped")


class Notification(SQLModel, table=True):
    """One email to send: what kind, to whom, about what, when; its dedupe_key makes repeats harmless."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64, index=True)
    # The recipient is an account, or a bare address for mail to someone without one (or no longer with one).
    user_id: int | None = Field(default=None, index=True)
    recipient_email: str = Field(max_length=254)
    locale: str = Field(default="en", max_length=2)
    session_id: int | None = Field(default=None, index=True)
    registration_id: int | None = Field(default=None)
    # Small JSON object of extra context (token, sequence number...): never a password or a Zoom link.
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    due_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True))
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # A worker sending this row holds it until then; after a crash the lease runs out and the clock re-enqueues it.
    claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # After a failed attempt: the clock leaves the row to the broker's own retry until then.
    retry_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    dedupe_key: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

    @property
    def payload_data(self) -> dict:
        """The payload as a dict (empty when missing or malformed)."""
        try:
            value = json.loads(self.payload or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
