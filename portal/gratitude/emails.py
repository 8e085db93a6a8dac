"""What the gratitude emails say. Delivery builds them inside force_locale(notification.locale)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session

from portal.gratitude.models import REJECT_REASONS, GratitudePost
from portal.gratitude.services import DISTRESS_EMAIL, REJECTED_EMAIL
from portal.i18n import LANGUAGES
from portal.notifications.kinds import EmailContent
from portal.notifications.models import Notification
from portal.urls import absolute_url


def _lang(notification: Notification) -> str:
    return notification.locale if notification.locale in LANGUAGES else "en"


def story_rejected(notification: Notification, db: Session) -> EmailContent | None:
    """Your story was not published: the reason, the moderator's note, and your text, so nothing is lost."""
    payload = notification.payload_data
    post = db.get(GratitudePost, payload.get("post_id") or 0)
    if post is None or post.status != "rejected":
        return None
    reason = REJECT_REASONS.get(payload.get("reason", ""), "")
    return EmailContent(subject=_("Your gratitude story was not published"), template="gratitude_rejected",
                        context={"reason": str(reason), "note": payload.get("note", ""), "body": post.body,
                                 "feed_url": absolute_url("gratitude.feed", lang=_lang(notification))})


def distress_alert(notification: Notification, db: Session) -> EmailContent | None:
    """A story that may signal distress was just written: open the queue. The email holds nothing of the story
    or its author; staff read them in the queue."""
    post = db.get(GratitudePost, notification.payload_data.get("post_id") or 0)
    if post is None:
        return None
    return EmailContent(subject=_("Urgent: a gratitude story may signal distress"), template="gratitude_distress",
                        context={"queue_url": absolute_url("gratitude_staff.queue", lang=_lang(notification)),
                                 "post_id": post.id})


BUILDERS = {REJECTED_EMAIL: story_rejected, DISTRESS_EMAIL: distress_alert}
