"""Helpers for survey tests: a session some members took part in, its invitations, their emails as a mail client
reads them, and the survey page's form."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlmodel import select

from portal.extensions import utcnow
from portal.notifications import delivery
from portal.notifications.models import Notification
from portal.surveys.invitations import INVITATION_KIND, run_invitations
from tests.registrations.registration_helpers import register
from tests.staff.conftest import Mailbox
from tests.when import in_days


def session_taken_by(db, make_session, members, *, ended_days_ago: float = 0.1, **fields):
    """A session the members registered for (confirmed places) that ended `ended_days_ago` days ago."""
    session = make_session(starts_at=in_days(3), **fields)
    for member in members:
        register(session_id=session.id, user=member)
    db.rollback()
    session.ends_at = utcnow() - timedelta(days=ended_days_ago)
    session.starts_at = session.ends_at - timedelta(hours=1)
    db.add(session)
    db.commit()
    return session


def invitation_emails(db, **filters) -> list[Notification]:
    """Survey invitation rows of the outbox, in id order."""
    db.rollback()
    query = select(Notification).where(Notification.kind == INVITATION_KIND).order_by(Notification.id)
    for name, value in filters.items():
        query = query.where(getattr(Notification, name) == value)
    return list(db.exec(query).all())


def invite(db, **kwargs) -> int:
    """Run the clock's invitation step now (or at `now=`)."""
    count = run_invitations(**kwargs)
    db.rollback()
    return count


def deliver_invitations(db, app) -> Mailbox:
    """Deliver every pending invitation as the worker does (.eml files); returns the mailbox to read them."""
    for notification in invitation_emails(db, status="pending"):
        delivery.deliver(notification.id)
    db.rollback()
    return Mailbox(app.config["PORTAL_OUTBOX_DIR"])


SURVEY_LINK = re.compile(r"https?://\S+/(en|fr)/surveys/([A-Za-z0-9_-]{43})")


def survey_path(email) -> str:
    """The survey link's path in an email's text body (and the same link in its HTML)."""
    match = SURVEY_LINK.search(email.text)
    assert match, email.text
    assert match.group(0) in email.html
    return urlsplit(match.group(0)).path


def links_by_recipient(mailbox: Mailbox) -> dict[str, str]:
    """Recipient address -> survey path, from the .eml files not read before."""
    return {email.to: survey_path(email) for email in mailbox.new()}


def answer(client, path: str, **fields):
    """GET the survey, then POST it with its CSRF token and these fields."""
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # the form's own
    return client.post(path, data={"csrf_token": token, **fields})
