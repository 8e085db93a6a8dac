"""The weekly peer-support sessions members register for."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from portal.extensions import UTCDateTime, utcnow

FORMATS = {
    "peer_support": _l("Peer support"),
    "compassion_rounds": _l("Compassion rounds"),
    "psychological_first_aid": _l("Psychological first aid"),
    "drop_in": _l("Drop-in"),
}

# One sentence on what each format is, shown on the session page.
FORMAT_EXPLAINED = {
    "peer_support": _l("A small group of colleagues talks through a shared theme, guided by a trained facilitator."),
    "compassion_rounds": _l("A facilitator brings research and a story; the group reflects on what it means "
                            "for their own work and life."),
    "psychological_first_aid": _l("Practical, evidence-informed steps for looking after yourself and colleagues "
                                  "after a hard event."),
    "drop_in": _l("An open group with no set agenda: come as you are and bring what is on your mind."),
}

DELIVERY_LANGUAGES = {
    "en": _l("English"),
    "fr": _l("French"),
    "bilingual": _l("Bilingual (English and French)"),
}

TOPICS = {
    "burnout": _l("Burnout"),
    "career": _l("Career and life in medicine"),
    "grief": _l("Grief and loss"),
    "imposter_syndrome": _l("Imposter syndrome"),
    "happiness": _l("Happiness and well-being"),
    "stress": _l("Stress"),
    "self_care": _l("Self-care"),
    "moral_distress": _l("Moral distress"),
    "learners": _l("Medical learners"),
    "difficult_events": _l("Difficult events"),
}

# "draft": saved by staff, not public (no listing, page, feed or registration) until published.
STATUSES = ("draft", "scheduled", "cancelled")
TOPICS_TYPE = JSON().with_variant(JSONB(), "postgresql")
MAX_CAPACITY = 30


class SupportSession(SQLModel, table=True):
    """One virtual session: bilingual title and description, a moderator, a time, at most 30 places."""

    __tablename__ = "support_session"

    id: int | None = Field(default=None, primary_key=True)
    title_en: str = Field(max_length=200)
    title_fr: str = Field(default="", max_length=200)
    description_en: str = Field(sa_column=Column(Text, nullable=False))
    description_fr: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    format: str = Field(max_length=32, index=True)
    # Topic slugs from TOPICS, as a JSON array (JSONB on PostgreSQL); services.has_topic() finds one.
    topics: list[str] = Field(default_factory=list, sa_column=Column(TOPICS_TYPE, nullable=False))
    language: str = Field(default="en", max_length=10, index=True)
    moderator: str = Field(max_length=200)
    # The French form of the name and title ("Dre Daniela Isfan"; English "Dr. Daniela Isfan"); empty: French
    # pages show `moderator`.
    moderator_fr: str = Field(default="", max_length=200)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    capacity: int = Field(default=MAX_CAPACITY, ge=1, le=MAX_CAPACITY)
    # Confirmed registrations. Only the registration feature changes it, with the session's row locked, in the
    # transaction that changes a registration's status; the listing reads places left without touching
    # registrations.
    places_taken: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    zoom_url: str = Field(default="", max_length=500)
    status: str = Field(default="scheduled", max_length=16, index=True)
    series_key: str | None = Field(default=None, max_length=64, index=True)
    series_part: int | None = Field(default=None)
    ics_sequence: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

    @property
    def moderator_en(self) -> str:
        """The English form of the moderator's name (the `moderator` column), so it pairs with `moderator_fr`."""
        return self.moderator

    @property
    def places_left(self) -> int:
        """Places not yet taken (never below zero)."""
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        """Whether staff cancelled it."""
        return self.status == "cancelled"

    @property
    def is_draft(self) -> bool:
        """Whether staff saved it without publishing it (not public)."""
        return self.status == "draft"

    @property
    def duration_minutes(self) -> int:
        """Its length in minutes."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_published_in_french(self) -> bool:
        """French title and description are both present (required to publish)."""
        return bool(self.title_fr.strip() and self.description_fr.strip())
