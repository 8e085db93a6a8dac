"""Helpers for the account tests: forms posted with a real CSRF token, and the emails a test caused."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlmodel import select

from portal.notifications import delivery
from portal.notifications.models import Notification

PASSWORD = "purple elephant dancing slowly"


def signup_form(**overrides) -> dict:
    """A valid sign-up, field names as DESIGN.md fixes them."""
    values = dict(first_name="Ann", last_name="Lee", email="ann.lee@example.org", password=PASSWORD,
                  cma_id="4815162", category="resident", province="ON", locale="en", accept_rules="y")
    values.update(overrides)
    return values


@pytest.fixture
def outbox(db):
    """The notification rows, oldest first (optionally of one kind)."""

    def _rows(kind: str | None = None) -> list[Notification]:
        db.rollback()  # end the read snapshot: see what requests committed since
        db.expire_all()
        query = select(Notification).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(db.exec(query).all())

    return _rows


@pytest.fixture
def email_of(db):
    """The composed message of a notification row (what delivery would send)."""

    def _compose(notification: Notification):
        return delivery.compose(notification, db)

    return _compose


def link_in(message, path_fragment: str) -> str:
    """The path of the first link in the text part that contains `path_fragment`."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/\S*" + re.escape(path_fragment) + r"\S*)", text)
    assert match, f"no link with {path_fragment!r} in:\n{text}"
    return match.group(1)


def errors_in(html: str) -> list[str]:
    """The messages shown beside fields."""
    return [unescape(m) for m in re.findall(r'<p class="field-error" id="[^"]+">\s*<span>([^<]+)</span>', html)]
