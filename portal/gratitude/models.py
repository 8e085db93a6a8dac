"""Gratitude stories, the members' appreciations and reports of them, and the record of what moderators did."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.extensions import UTCDateTime, utcnow

# pending -> approved | rejected; approved -> hidden (by staff or by three reports) -> approved (restored).
STATUSES = ("pending", "approved", "rejected", "hidden")
DISPLAYS = {"first_name": _l("My first name"), "anonymous": _l("Anonymous")}

REPORT_REASONS = {
    "unkind": _l("Unkind or hurtful"),
    "identifies_someone": _l("Names or identifies someone"),
    "not_gratitude": _l("Not a story of gratitude"),
    "spam": _l("Advertising or spam"),
    "other": _l("Something else"),
}
REJECT_REASONS = {
    "identifies_someone": _l("It names or could identify a patient, colleague or other person"),
    "not_gratitude": _l("It is not a story of gratitude"),
    "unkind": _l("It is unkind or hurtful to others"),
    "advertising": _l("It advertises a product or service"),
    "other": _l("Another reason (see the note)"),
}
ACTIONS = {
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "hidden": _l("Hidden"),
    "restored": _l("Restored"),
    "hidden_by_reports": _l("Hidden after three reports"),
}


class GratitudePost(SQLModel, table=True):
    """One story. `version` grows on every moderation, so two moderators acting on the same version cannot both
    win. `open_reports` counts distinct members whose reports staff have not reviewed yet."""

    __tablename__ = "gratitude_post"
    __table_args__ = (Index("ix_gratitude_post_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True))
    body: str = Field(sa_column=Column(Text, nullable=False))
    display: str = Field(default="first_name", max_length=16)
    lang: str = Field(default="en", max_length=2)
    status: str = Field(default="pending", max_length=16)
    urgent: bool = Field(default=False)
    version: int = Field(default=1)
    open_reports: int = Field(default=0)
    appreciation_count: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    # When it entered the queue as reported (first open report), for "oldest first" among reported stories.
    reported_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True, index=True))

    @property
    def is_anonymous(self) -> bool:
        """True when the author chose not to sign (or the account is gone)."""
        return self.display == "anonymous" or self.author_id is None


class Appreciation(SQLModel, table=True):
    """A member appreciates a story (one per member and story)."""

    __tablename__ = "gratitude_appreciation"

    post_id: int = Field(sa_column=Column(Integer, ForeignKey("gratitude_post.id", ondelete="CASCADE"),
                                          primary_key=True))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                                          primary_key=True, index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Flag(SQLModel, table=True):
    """A member reports a story (once per member and story). `reviewed` once staff have acted on it."""

    __tablename__ = "gratitude_flag"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id", name="uq_gratitude_flag_post_reporter"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(sa_column=Column(Integer, ForeignKey("gratitude_post.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    reporter_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True))
    reason: str = Field(max_length=32)
    reviewed: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class ModerationAction(SQLModel, table=True):
    """Who (a staff account; empty for the portal's own action or once the account is deleted), what, which story,
    when and why. Written in the transaction of the change it records."""

    __tablename__ = "moderation_action"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True))
    post_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("gratitude_post.id", ondelete="SET NULL"), nullable=True, index=True))
    action: str = Field(max_length=32)
    reason: str = Field(default="", max_length=32)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True))
