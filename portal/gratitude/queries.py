"""What the gratitude pages read: the feed a page at a time, the member's own waiting stories, the moderation
queue and log. Each page costs the same few queries however many stories there are."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.gratitude.models import Appreciation, Flag, GratitudePost, ModerationAction

FEED_PER_PAGE = 20
LOG_PER_PAGE = 50
QUEUE_LIMIT = 200


@dataclass
class Story:
    """A story as the feed shows it: the post, the signature (first name or None for anonymous), and what the
    viewer has done to it."""

    post: GratitudePost
    signature: str | None
    appreciated: bool = False
    reported: bool = False
    own: bool = False


@dataclass
class FeedPage:
    """One page of the feed, and whether another follows."""

    stories: list[Story]
    page: int
    has_more: bool
    waiting: list[Story] = field(default_factory=list)


def _signature(post: GratitudePost, first_name: str | None) -> str | None:
    return None if post.is_anonymous else first_name


def _stories(db: Session, rows, viewer: User) -> list[Story]:
    posts = [(post, first_name) for post, first_name in rows]
    ids = [post.id for post, _name in posts]
    appreciated, reported = set(), set()
    if ids:
        appreciated = set(db.exec(select(Appreciation.post_id).where(Appreciation.user_id == viewer.id,
                                                                     Appreciation.post_id.in_(ids))).all())
        reported = set(db.exec(select(Flag.post_id).where(Flag.reporter_id == viewer.id,
                                                          Flag.post_id.in_(ids))).all())
    return [Story(post, _signature(post, name), post.id in appreciated, post.id in reported,
                  post.author_id == viewer.id) for post, name in posts]


def feed_page(db: Session, *, viewer: User, page: int) -> FeedPage:
    """Approved stories, newest first, FEED_PER_PAGE at a time; on the first page, the viewer's own stories that
    wait for moderation come first (only they see them)."""
    query = (select(GratitudePost, User.first_name).outerjoin(User, User.id == GratitudePost.author_id)
             .where(GratitudePost.status == "approved")
             .order_by(GratitudePost.created_at.desc(), GratitudePost.id.desc())
             .offset((page - 1) * FEED_PER_PAGE).limit(FEED_PER_PAGE + 1))
    rows = db.exec(query).all()
    waiting = []
    if page == 1:
        mine = (select(GratitudePost, User.first_name).join(User, User.id == GratitudePost.author_id)
                .where(GratitudePost.author_id == viewer.id, GratitudePost.status == "pending")
                .order_by(GratitudePost.created_at.desc()))
        waiting = [Story(post, _signature(post, name), own=True) for post, name in db.exec(mine).all()]
    return FeedPage(_stories(db, rows[:FEED_PER_PAGE], viewer), page, len(rows) > FEED_PER_PAGE, waiting)


def story_for(db: Session, post: GratitudePost, viewer: User) -> Story:
    """One story as the viewer sees it (after appreciating or reporting it)."""
    author = db.get(User, post.author_id) if post.author_id else None
    return _stories(db, [(post, author.first_name if author else None)], viewer)[0]


@dataclass
class QueueRow:
    """A story as moderators see it: the post, its author (staff may need to reach out), its reports."""

    post: GratitudePost
    author: User | None
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """'urgent', 'pending', 'reported' (hidden or still shown) or 'done'."""
        if self.post.status == "pending":
            return "urgent" if self.post.urgent else "pending"
        if self.post.open_reports or self.post.status == "hidden" and self.post.reported_at:
            return "reported"
        return "done"


def _in_queue():
    return (GratitudePost.status == "pending") | (
        GratitudePost.status.in_(("approved", "hidden")) & (GratitudePost.open_reports > 0))


def queue(db: Session) -> list[QueueRow]:
    """Distress-flagged stories waiting first, then stories waiting for moderation, then reported ones; oldest
    first within each."""
    order = case((GratitudePost.status == "pending", case((GratitudePost.urgent.is_(True), 0), else_=1)), else_=2)
    query = (select(GratitudePost, User).outerjoin(User, User.id == GratitudePost.author_id).where(_in_queue())
             .order_by(order, func.coalesce(GratitudePost.reported_at, GratitudePost.created_at), GratitudePost.id)
             .limit(QUEUE_LIMIT))
    return _queue_rows(db, db.exec(query).all())


def queue_rows_for(db: Session, post_ids: list[int]) -> list[QueueRow]:
    """The rows of some stories, whatever their state (after a moderator acted on them)."""
    query = (select(GratitudePost, User).outerjoin(User, User.id == GratitudePost.author_id)
             .where(GratitudePost.id.in_(post_ids)))
    return _queue_rows(db, db.exec(query).all())


def _queue_rows(db: Session, rows) -> list[QueueRow]:
    ids = [post.id for post, _author in rows]
    reasons: dict[int, dict[str, int]] = {}
    if ids:
        counted = db.exec(select(Flag.post_id, Flag.reason, func.count()).where(
            Flag.post_id.in_(ids), Flag.reviewed.is_(False)).group_by(Flag.post_id, Flag.reason)).all()
        for post_id, reason, number in counted:
            reasons.setdefault(post_id, {})[reason] = number
    return [QueueRow(post, author, reasons.get(post.id, {})) for post, author in rows]


def queue_size(db: Session) -> tuple[int, int]:
    """(stories in the queue, of which urgent) for the staff overview."""
    total, urgent = db.exec(select(func.count(), func.coalesce(func.sum(case(
        ((GratitudePost.status == "pending") & GratitudePost.urgent.is_(True), 1), else_=0)), 0))
        .select_from(GratitudePost).where(_in_queue())).one()
    return int(total), int(urgent)


@dataclass
class LogEntry:
    """One moderation action with the moderator's name and the story's opening words."""

    action: ModerationAction
    actor_name: str | None
    excerpt: str | None


@dataclass
class LogPage:
    """A page of the log."""

    rows: list[LogEntry]
    page: int
    pages: int


def moderation_log(db: Session, *, page: int) -> LogPage:
    """Every moderation action, newest first."""
    total = db.exec(select(func.count()).select_from(ModerationAction)).one()
    pages = max(1, -(-total // LOG_PER_PAGE))
    page = min(page, pages)
    query = (select(ModerationAction, User.first_name, User.last_name, GratitudePost.body)
             .outerjoin(User, User.id == ModerationAction.actor_id)
             .outerjoin(GratitudePost, GratitudePost.id == ModerationAction.post_id)
             .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
             .offset((page - 1) * LOG_PER_PAGE).limit(LOG_PER_PAGE))
    rows = [LogEntry(action, f"{first} {last}" if first else None, _excerpt(body))
            for action, first, last, body in db.exec(query).all()]
    return LogPage(rows, page, pages)


def _excerpt(body: str | None, length: int = 80) -> str | None:
    if body is None:
        return None
    flat = " ".join(body.split())
    return flat if len(flat) <= length else flat[:length - 1].rstrip() + "…"
