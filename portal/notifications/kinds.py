"""The contract between features and delivery: each kind of email has a builder registered here.

A feature decides *what* to send: it calls `notify(...)` in its transaction, and registers a builder for the
kind (in its own `emails.py`). Delivery decides *how*: it locks the row, calls the builder inside
`force_locale(notification.locale)`, and renders `templates/email/<template>.txt` and `.html` with the context.
A builder returns None when the email no longer applies (session cancelled or moved, registration withdrawn),
and delivery then marks the row skipped instead of sending it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from portal.notifications.models import Notification


@dataclass
class Attachment:
    """A file attached to an email, e.g. an invite: ("invite.ics", "text/calendar", b"...", {"method": "REQUEST"})."""

    filename: str
    mimetype: str
    content: bytes
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class EmailContent:
    """What to send: subject, template name (email/<template>.{txt,html}), its context, attachments."""

    subject: str
    template: str
    context: dict = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)


Builder = Callable[[Notification, Session], EmailContent | None]
_BUILDERS: dict[str, Builder] = {}


def email_kind(name: str) -> Callable[[Builder], Builder]:
    """Register the builder for one kind of notification."""

    def register(builder: Builder) -> Builder:
        if name in _BUILDERS and _BUILDERS[name] is not builder:
            raise ValueError(f"email kind {name!r} registered twice")
        _BUILDERS[name] = builder
        return builder

    return register


def builder_for(kind: str) -> Builder:
    """The builder for a kind; KeyError for an unknown kind (a programming error, shown to staff as failed)."""
    return _BUILDERS[kind]


def registered_kinds() -> list[str]:
    """Every kind with a builder (for tests and the staff view)."""
    return sorted(_BUILDERS)
