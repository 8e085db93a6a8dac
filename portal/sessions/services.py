"""Finding sessions: the listing's filters and pages, and the next few sessions. No flask.request here."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, bindparam, func, or_
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from portal.extensions import utcnow
from portal.sessions.models import DELIVERY_LANGUAGES, FORMATS, TOPICS, SupportSession
from portal.sessions.topics import has_topic
from portal.times import EASTERN, eastern_instant, parse_day
from portal.urls import parse_page

MAX_QUERY_LENGTH = 200


@dataclass
class ListingFilters:
    """The listing's GET filters, already checked: every value here is safe to use."""

    format: str = ""
    topic: str = ""
    language: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    page: int = 1
    messages: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list."""
        return bool(self.format or self.topic or self.language or self.date_from or self.date_to or self.q)

    def as_args(self, **overrides) -> dict[str, str]:
        """The filters as query arguments (for pagination links), empty ones left out."""
        args = {
            "format": self.format, "topic": self.topic, "language": self.language,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "", "q": self.q,
        }
        args.update({k: str(v) for k, v in overrides.items()})
        return {k: v for k, v in args.items() if v}


def parse_filters(args: Mapping[str, str]) -> ListingFilters:
    """Check each GET filter; a bad value is dropped or corrected, with a message saying so."""
    filters = ListingFilters()
    messages = filters.messages
    choice_fields = (("format", FORMATS, _l("That format does not exist, so it was ignored.")),
                     ("topic", TOPICS, _l("That topic does not exist, so it was ignored.")),
                     ("language", DELIVERY_LANGUAGES, _l("That language is not offered, so it was ignored.")))
    for name, choices, message in choice_fields:
        value = (args.get(name) or "").strip()
        if value and value in choices:
            setattr(filters, name, value)
        elif value:
            messages.append(message)
    for name, attr in (("from", "date_from"), ("to", "date_to")):
        value = (args.get(name) or "").strip()
        if value:
            setattr(filters, attr, parse_day(value))
            if getattr(filters, attr) is None:
                messages.append(_l("Dates look like 2026-03-31; that date was ignored."))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters.date_from, filters.date_to = filters.date_to, filters.date_from
        messages.append(_l("The dates were the wrong way round, so they were swapped."))
    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        q = q[:MAX_QUERY_LENGTH]
        messages.append(_l("The search was shortened to its first 200 characters."))
    filters.q = q
    page = parse_page(args.get("page"))
    if page is not None:
        filters.page = page
    else:
        messages.append(_l("That page does not exist, so the first page is shown."))
    return filters


@dataclass
class Listing:
    """One page of results (sessions here; the staff console pages its rows and its record with it too)."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the results fill (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def escape_like(text: str) -> str:
    """Text to match literally inside a LIKE pattern (with `escape="\\"`): its %, _ and \\ lose their meaning."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _day_start(day: date) -> datetime:
    return eastern_instant(day, time.min)


MAX_SEARCH_WORDS = 10
SEARCHED_COLUMNS = (SupportSession.title_en, SupportSession.title_fr, SupportSession.description_en,
                    SupportSession.description_fr, SupportSession.moderator, SupportSession.moderator_fr)


@dataclass(frozen=True)
class ListingShape:
    """Which filters narrow the list: what changes the listing's SQL, as opposed to the values it binds."""

    format: bool = False
    topic: bool = False
    language: str = ""  # "pair": that language or bilingual (en, fr); "one": exactly that one (bilingual)
    date_from: bool = False
    date_to: bool = False
    words: int = 0  # how many words the search has (at most MAX_SEARCH_WORDS)


@lru_cache(maxsize=None)  # at most 2 * 2 * 3 * 2 * 2 * 11 shapes, each built once per process
def listing_statements(shape: ListingShape) -> tuple[SelectOfScalar, SelectOfScalar]:
    """The count and the page statements for one shape, built once with named bind parameters for every value
    (now, the filters, offset and limit). A request only binds values: the statement object is the same, so
    SQLAlchemy reuses its memoized cache key and finds the compiled SQL in the engine's compiled cache, and no
    expression is constructed per request. Prebuilt shapes rather than `lambda_stmt`: the search adds one
    condition per word and `has_topic` is our own construct, both plain here, and nothing is analysed per call."""
    conditions = [SupportSession.starts_at > bindparam("now"), SupportSession.status != "draft"]
    if shape.format:
        conditions.append(SupportSession.format == bindparam("format"))
    if shape.topic:
        conditions.append(has_topic(SupportSession.topics, bindparam("topic", type_=String)))
    if shape.language == "pair":
        conditions.append(SupportSession.language.in_((bindparam("language", type_=String), "bilingual")))
    elif shape.language == "one":
        conditions.append(SupportSession.language == bindparam("language"))
    if shape.date_from:
        conditions.append(SupportSession.starts_at >= bindparam("date_from"))
    if shape.date_to:
        conditions.append(SupportSession.starts_at < bindparam("date_to"))
    for n in range(shape.words):
        conditions.append(or_(*(column.ilike(bindparam(f"word{n}"), escape="\\") for column in SEARCHED_COLUMNS)))
    count = select(func.count()).select_from(SupportSession).where(*conditions)
    page = (select(SupportSession).where(*conditions).order_by(SupportSession.starts_at, SupportSession.id)
            .offset(bindparam("offset", type_=Integer)).limit(bindparam("limit", type_=Integer)))
    return count, page


def listing_query(filters: ListingFilters, now: datetime) -> tuple[ListingShape, dict]:
    """The shape of the listing's SQL for these filters and the values to bind (all but offset and limit)."""
    values: dict = {"now": now}
    if filters.format:
        values["format"] = filters.format
    if filters.topic:
        values["topic"] = filters.topic
    if filters.language:
        values["language"] = filters.language
    if filters.date_from:
        values["date_from"] = _day_start(filters.date_from)
    if filters.date_to:
        values["date_to"] = _day_start(filters.date_to + timedelta(days=1))
    words = filters.q.split()[:MAX_SEARCH_WORDS]
    values.update({f"word{n}": f"%{escape_like(word)}%" for n, word in enumerate(words)})
    language = ("pair" if filters.language in ("en", "fr") else "one") if filters.language else ""
    shape = ListingShape(format=bool(filters.format), topic=bool(filters.topic), language=language,
                         date_from=filters.date_from is not None, date_to=filters.date_to is not None,
                         words=len(words))
    return shape, values


def list_upcoming(db: Session, *, filters: ListingFilters, per_page: int, now: datetime | None = None) -> Listing:
    """Upcoming sessions matching the filters, soonest first: two queries whatever the page size, each a
    prebuilt statement (listing_statements) given this request's values."""
    shape, values = listing_query(filters, now or utcnow())
    count, page = listing_statements(shape)
    total = db.exec(count, params=values).one()
    pages = max(1, math.ceil(total / per_page))
    if filters.page > pages:
        filters.page = pages
        filters.messages.append(_l("That page does not exist, so the last page is shown."))
    items = db.exec(page, params={**values, "offset": (filters.page - 1) * per_page, "limit": per_page}).all()
    return Listing(items=list(items), total=total, page=filters.page, per_page=per_page)


def next_sessions(db: Session, *, limit: int = 3, now: datetime | None = None) -> list[SupportSession]:
    """The next few scheduled sessions, for the home page."""
    filters = ListingFilters()
    listing = list_upcoming(db, filters=filters, per_page=limit * 2, now=now)
    return [item for item in listing.items if not item.is_cancelled][:limit]


def group_by_day(items: list[SupportSession], zone=EASTERN) -> list[tuple[date, list[SupportSession]]]:
    """Consecutive sessions grouped by their local date, keeping order."""
    groups: list[tuple[date, list[SupportSession]]] = []
    for item in items:
        day = item.starts_at.astimezone(zone).date()
        if groups and groups[-1][0] == day:
            groups[-1][1].append(item)
        else:
            groups.append((day, [item]))
    return groups
