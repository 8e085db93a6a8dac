"""Member and staff accounts."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column
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
    cma_id: str = Field(max_length=20, unique=True, index=True)
    category: str = Field(max_length=32)
    province: str = Field(max_length=2)
    locale: str = Field(default="en", max_length=2)
    is_staff: bool = Field(default=False)
    # Part of the login session id: changing it (new password, new email) signs out every other browser.
    auth_stamp: str = Field(default_factory=lambda: secrets.token_hex(8), max_length=32)
    email_verified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

    @property
    def is_verified(self) -> bool:
        """Whether the email address has been confirmed."""
        return self.email_verified_at is not None

    def get_id(self) -> str:
        """Flask-Login's id: the account id and its auth stamp, so a new stamp ends every other session."""
        return f"{self.id}:{self.auth_stamp}"

    def new_auth_stamp(self) -> None:
        """End every session and remember-me cookie of this account (the caller signs the current one in again)."""
        self.auth_stamp = secrets.token_hex(8)
