"""Member and staff accounts."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from portal.extensions import UTCDateTime, utcnow

CATEGORIES = {
    "medical_student": _l("Medical student"),
    "resident": _l("Resident"),
    "fellow": _l("Fellow"),
    "practising_physician": _l("Practising physician"),
    "retired_physician": _l("Retired physician"),
}


class User(UserMixin, SQLModel, table=True):
    """A person with an account: a member, and staff when is_staff is set."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    # Unique among verified accounts only (the partial index below): an unverified sign-up holds nothing, so it
    # cannot squat someone else's CMA ID; verification refuses an ID a verified account already has.
    cma_id: str = Field(max_length=20, index=True)
    category: str = Field(max_length=32)
    province: str = Field(max_length=2)
    locale: str = Field(default="en", max_length=2)
    is_staff: bool = Field(default=False)
    # Part of the login session id: changing it (new password, new email) signs out every other browser.
    auth_stamp: str = Field(default_factory=lambda: secrets.token_hex(8), max_length=32)
    email_verified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

    __table_args__ = (
        Index("uq_user_account_verified_cma_id", "cma_id", unique=True,
              sqlite_where=text("email_verified_at IS NOT NULL"),
              postgresql_where=text("email_verified_at IS NOT NULL")),
    )

    @property
    def is_verified(self) -> bool:
        """Whether the email address has been confirmed."""
        return self.email_verified_at is not None

    def new_auth_stamp(self) -> None:
        """Spend every reset and email-change link made before now (tokens.py binds them to the stamp)."""
        self.auth_stamp = secrets.token_hex(8)


class SignIn(SQLModel, table=True):
    """One signed-in browser (device): its session cookie and remember-me cookie name this row by `key`.

    Signing out deletes the row, so a copy of either cookie opens nothing afterwards; a new password deletes
    every row of the account (accounts/signins.py). The key is random; the table holds its SHA-256 digest only.
    """

    __tablename__ = "sign_in"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
