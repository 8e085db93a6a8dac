"""What members and moderators do to stories. No flask.request in here, and nothing commits: the view owns the
transaction (docs/architecture.md)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select as sa_select, update
from sqlmodel import Session, select

from portal.accounts.models import User
from portal.gratitude.distress import DistressMatcher
from portal.gratitude.models import Appreciation, Flag, GratitudePost, ModerationAction
from portal.notifications.services import notify

STORIES_PER_HOUR = 5
REPORTS_TO_HIDE = 3
REJECTED_EMAIL = "gratitude_rejected"
DISTRESS_EMAIL = "gratitude_distress"

# action -> (the states it may start from, the state it leads to)
TRANSITIONS = {
    "approve": (("pending", "approved"), "approved"),
    "reject": (("pending",), "rejected"),
    "hide": (("approved",), "hidden"),
    "restore": (("hidden",), "approved"),
}
LOGGED_AS = {"approve": "approved", "reject": "rejected", "hide": "hidden", "restore": "restored"}


class Conflict(Exception):
    """Someone else moderated the story first (or it is no longer in a state this action applies to)."""

    def __init__(self, post: GratitudePost) -> None:
        super().__init__(post.id)
        self.post = post


def stories_in_last_hour(db: Session, *, author_id: int, now: datetime) -> int:
    """How many stories the member wrote in the hour before `now` (withdrawn ones are gone and do not count)."""
    return db.exec(select(func.count()).select_from(GratitudePost).where(
        GratitudePost.author_id == author_id, GratitudePost.created_at > now - timedelta(hours=1))).one()


def write_story(db: Session, *, author: User, body: str, display: str, lang: str, matcher: DistressMatcher,
                now: datetime) -> GratitudePost:
    """A new story, waiting for moderation. One that signals distress is marked urgent and every staff member is
    emailed at once (the email holds no part of the story)."""
    post = GratitudePost(author_id=author.id, body=body, display=display, lang=lang, created_at=now,
                         urgent=matcher.matches(body))
    db.add(post)
    db.flush()
    if post.urgent:
        for staff in db.exec(select(User).where(User.is_staff.is_(True))).all():
            notify(db, kind=DISTRESS_EMAIL, recipient_email=staff.email, user_id=staff.id, locale=staff.locale,
                   payload={"post_id": post.id}, dedupe_key=f"{DISTRESS_EMAIL}:{post.id}:{staff.id}")
    return post


def visible_post(db: Session, post_id: int, *, viewer: User) -> GratitudePost | None:
    """The story if the viewer may see it: approved, or their own while it waits."""
    post = db.get(GratitudePost, post_id)
    if post is None or not (post.status == "approved" or (post.status == "pending" and post.author_id == viewer.id)):
        return None
    return post


def toggle_appreciation(db: Session, *, post: GratitudePost, user: User) -> bool:
    """Appreciate the story, or take the appreciation back; True when it is now appreciated. The count is
    recomputed in the same statement, so two members at once never lose one."""
    removed = db.exec(delete(Appreciation).where(Appreciation.post_id == post.id,
                                                 Appreciation.user_id == user.id)).rowcount
    if not removed:
        db.add(Appreciation(post_id=post.id, user_id=user.id))
        db.flush()
    _recount_appreciations(db, [post.id])
    db.refresh(post)
    return not removed


def _recount_appreciations(db: Session, post_ids: list[int]) -> None:
    if not post_ids:
        return
    count = (sa_select(func.count()).select_from(Appreciation)
             .where(Appreciation.post_id == GratitudePost.id).scalar_subquery())
    db.exec(update(GratitudePost).where(GratitudePost.id.in_(post_ids)).values(appreciation_count=count)
            .execution_options(synchronize_session=False))


def report(db: Session, *, post: GratitudePost, user: User, reason: str, now: datetime) -> bool:
    """Report the story (once per member). The third member's report hides it at once and sends it back to the
    queue, recorded as the portal's own action. Returns False when this member had already reported it."""
    if db.exec(select(Flag.id).where(Flag.post_id == post.id, Flag.reporter_id == user.id)).first() is not None:
        return False
    db.add(Flag(post_id=post.id, reporter_id=user.id, reason=reason, created_at=now))
    db.flush()
    opened = db.exec(select(func.count()).select_from(Flag).where(Flag.post_id == post.id,
                                                                  Flag.reviewed.is_(False))).one()
    hide = opened >= REPORTS_TO_HIDE and post.status == "approved"
    db.exec(update(GratitudePost).where(GratitudePost.id == post.id).values(
        open_reports=opened, reported_at=func.coalesce(GratitudePost.reported_at, now),
        **({"status": "hidden", "version": GratitudePost.version + 1} if hide else {}))
        .execution_options(synchronize_session=False))
    if hide:
        db.add(ModerationAction(actor_id=None, post_id=post.id, action="hidden_by_reports", created_at=now))
    db.refresh(post)
    return True


def withdraw(db: Session, *, post: GratitudePost, user: User) -> bool:
    """The author takes their story away, whatever its state: it is deleted, with its appreciations and reports."""
    if post.author_id != user.id:
        return False
    db.exec(update(ModerationAction).where(ModerationAction.post_id == post.id).values(post_id=None))
    db.exec(delete(Appreciation).where(Appreciation.post_id == post.id))
    db.exec(delete(Flag).where(Flag.post_id == post.id))
    db.delete(post)
    return True


def moderate(db: Session, *, post_id: int, action: str, actor: User, version: int | None, now: datetime,
             reason: str = "", note: str = "") -> GratitudePost:
    """Approve, reject, hide or restore, as one conditional update: it changes the row only if it is still in a
    state the action starts from (and at the version the moderator saw), so of two moderators acting at once
    exactly one wins; the other gets Conflict. The action is recorded, and a rejection emails the author."""
    starts_from, leads_to = TRANSITIONS[action]
    condition = [GratitudePost.id == post_id, GratitudePost.status.in_(starts_from)]
    if action == "approve":  # an approved story is "approved" again only to clear its reports
        condition.append((GratitudePost.status == "pending") | (GratitudePost.open_reports > 0))
    if version is not None:
        condition.append(GratitudePost.version == version)
    values = {"status": leads_to, "version": GratitudePost.version + 1, "open_reports": 0, "reported_at": None}
    if leads_to == "approved":
        values["approved_at"] = func.coalesce(GratitudePost.approved_at, now)
    changed = db.exec(update(GratitudePost).where(*condition).values(**values)
                      .execution_options(synchronize_session=False)).rowcount
    post = db.get(GratitudePost, post_id, populate_existing=True)
    if post is None:
        raise LookupError(post_id)
    if not changed:
        raise Conflict(post)
    db.exec(update(Flag).where(Flag.post_id == post_id, Flag.reviewed.is_(False)).values(reviewed=True))
    db.add(ModerationAction(actor_id=actor.id, post_id=post_id, action=LOGGED_AS[action], reason=reason,
                            note=note, created_at=now))
    if action == "reject" and post.author_id is not None:
        author = db.get(User, post.author_id)
        notify(db, kind=REJECTED_EMAIL, recipient_email=author.email, user_id=author.id, locale=author.locale,
               payload={"post_id": post_id, "reason": reason, "note": note},
               dedupe_key=f"{REJECTED_EMAIL}:{post_id}")
    return post


def forget_author(_app, *, db: Session, user: User) -> None:
    """An account is being deleted: its approved (and hidden) stories stay, anonymous; the others go. Its
    appreciations go (counts follow); its reports stay, without its name; its moderation actions stay, without
    its name."""
    kept = ("approved", "hidden")
    db.exec(update(GratitudePost).where(GratitudePost.author_id == user.id, GratitudePost.status.in_(kept))
            .values(author_id=None, display="anonymous"))
    gone = select(GratitudePost.id).where(GratitudePost.author_id == user.id)
    db.exec(update(ModerationAction).where(ModerationAction.post_id.in_(gone)).values(post_id=None))
    db.exec(delete(Appreciation).where(Appreciation.post_id.in_(gone)))
    db.exec(delete(Flag).where(Flag.post_id.in_(gone)))
    db.exec(delete(GratitudePost).where(GratitudePost.author_id == user.id))
    touched = list(db.exec(select(Appreciation.post_id).where(Appreciation.user_id == user.id)).all())
    db.exec(delete(Appreciation).where(Appreciation.user_id == user.id))
    _recount_appreciations(db, touched)
    db.exec(update(Flag).where(Flag.reporter_id == user.id).values(reporter_id=None))
    db.exec(update(ModerationAction).where(ModerationAction.actor_id == user.id).values(actor_id=None))
