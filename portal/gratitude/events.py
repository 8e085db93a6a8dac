"""What the gratitude space adds to other features' pages: its part of the staff overview."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlmodel import Session

from portal.gratitude.queries import queue_size


def overview_section(_app, *, db: Session) -> Markup:
    """The moderation queue's size (and how many are urgent), linking to the queue."""
    total, urgent = queue_size(db)
    return Markup(render_template("gratitude/_overview.html", total=total, urgent=urgent))
