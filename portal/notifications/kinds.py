"""The contract between features and delivery: each kind of email has a builder, given to the app.

A feature decides *what* to send: it calls `notify(...)` in its transaction, and gives the app a builder for each
kind: its `emails.py` lists them in a `BUILDERS` dict and its `init_app` calls `add_email_kinds(app, BUILDERS)`.
Delivery decides *how*: it locks the row, calls the builder inside `force_locale(notification.locale)`, and
renders `templates/email/<template>.txt` and `.html` with the context. A builder returns None when the email no
longer applies (session cancelled or moved, registration withdrawn), and delivery then marks the row skipped.

A kind may also ask for something to happen to its row once delivery is over (sent or skipped), in the same
transaction that marks it: `add_after_delivery(app, kind, callback)`. The survey invitation uses it to clear the
payload that carried its one-time token, so that the outbox keeps no copy of it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
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
AfterDelivery = Callable[[Notification], None]


def add_email_kinds(app: Flask, builders: dict[str, Builder]) -> None:
    """Give the app the builders of a feature's kinds of email (each feature calls this in its init_app)."""
    registry = app.extensions.setdefault("email_builders", {})
    for name, builder in builders.items():
        if registry.get(name, builder) is not builder:
            raise ValueError(f"email kind {name!r} added twice")
        registry[name] = builder


def builder_for(kind: str) -> Builder:
    """The current app's builder for a kind; KeyError for an unknown kind (a programming error, shown to staff as
    failed)."""
    return current_app.extensions.get("email_builders", {})[kind]


def registered_kinds(app: Flask | None = None) -> list[str]:
    """Every kind the app has a builder for (for tests and the staff view)."""
    return sorted((app or current_app).extensions.get("email_builders", {}))


def add_after_delivery(app: Flask, kind: str, callback: AfterDelivery) -> None:
    """Have delivery call `callback(notification)` when a row of this kind is marked sent or skipped, inside that
    transaction (it may change the row; it must not commit)."""
    registry = app.extensions.setdefault("email_after_delivery", {})
    if registry.get(kind, callback) is not callback:
        raise ValueError(f"after-delivery callback for {kind!r} added twice")
    registry[kind] = callback


def after_delivery_for(kind: str) -> AfterDelivery | None:
    """The current app's after-delivery callback for a kind, if it has one."""
    return current_app.extensions.get("email_after_delivery", {}).get(kind)
