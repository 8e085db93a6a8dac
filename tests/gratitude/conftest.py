"""Fixtures for the gratitude space: members, staff, and stories in a given state."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.gratitude.models import GratitudePost
from tests.when import in_days


@pytest.fixture
def make_post(db, make_user):
    """Factory: a story in the given state (approved by default), written `age` ago."""

    def _make(*, author=None, body="Thank you to the night nurse who brought me tea.", status="approved",
              display="first_name", lang="en", age=timedelta(hours=2), urgent=False, commit=True, **fields):
        author = author or make_user()
        created = in_days(0) - age
        post = GratitudePost(author_id=author.id, body=body, status=status, display=display, lang=lang,
                             urgent=urgent, created_at=created,
                             approved_at=created if status in ("approved", "hidden") else None, **fields)
        db.add(post)
        if commit:
            db.commit()
        return post

    return _make


def csrf_of(client, lang: str = "en") -> str:
    """The session's CSRF token, read from a page's meta tag."""
    page = client.get(f"/{lang}/faq").get_data(as_text=True)
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)  # signed-in pages carry it
    if found is None:  # a visitor's pages carry none; the sign-in form has one
        page = client.get(f"/{lang}/account/login").get_data(as_text=True)
        found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
    return found.group(1)


HTMX = {"HX-Request": "true"}
