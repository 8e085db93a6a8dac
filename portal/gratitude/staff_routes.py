"""Moderation, for staff: the queue, the four actions and the log, under /<lang>/staff. Members get the 403 page,
visitors the sign-in page. Each action changes the row in place (htmx) or reloads the queue."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import portal.gratitude.queries as queries
import portal.gratitude.services as services
from portal.access import staff_required
from portal.extensions import db, utcnow
from portal.gratitude.forms import RejectForm
from portal.gratitude.models import ACTIONS, REJECT_REASONS, REPORT_REASONS
from portal.gratitude.support import support_for, template_helpers
from portal.htmx import wants_fragment
from portal.urls import parse_page

bp = Blueprint("gratitude_staff", __name__, url_prefix="/<lang:lang>/staff")
bp.context_processor(template_helpers)


@bp.context_processor
def _vocabulary() -> dict:
    return {"MODERATION_ACTIONS": ACTIONS, "REJECT_REASONS": REJECT_REASONS, "REPORT_REASONS": REPORT_REASONS,
            "support_for": support_for}


@bp.get("/gratitude")
@staff_required
def queue():
    """Stories waiting for moderation (those signalling distress first, marked urgent), then reported ones."""
    return render_template("gratitude/staff_queue.html", rows=queries.queue(db.session))


def _done_message(action: str) -> str:
    return {"approve": _("Approved: the story is in the feed."),
            "reject": _("Rejected: its author is being told by email."),
            "hide": _("Hidden: members no longer see the story."),
            "restore": _("Restored: the story is back in the feed.")}[action]


def _answer(post_id: int, *, message: str, status: int = 200, reject_form: RejectForm | None = None):
    """The row again, in its new state (htmx), or back to the queue with the message."""
    if wants_fragment():
        rows = queries.queue_rows_for(db.session, [post_id])
        if not rows:
            abort(404)
        return render_template("gratitude/_queue_row_swap.html", row=rows[0], message=message,
                               reject_form=reject_form, conflict=status == 409), status
    if status == 422:
        return render_template("gratitude/staff_queue.html", rows=queries.queue(db.session), errors_for=post_id,
                               reject_form=reject_form), status
    flash(message, "success" if status == 200 else "error")
    if status == 409:
        return render_template("gratitude/staff_queue.html", rows=queries.queue(db.session)), status
    return redirect(url_for("gratitude_staff.queue") + f"#post-{post_id}")


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _act(post_id: int, action: str, **why):
    try:
        services.moderate(db.session, post_id=post_id, action=action, actor=current_user, version=_version(),
                          now=utcnow(), **why)
    except LookupError:
        abort(404)
    except services.Conflict as conflict:
        db.session.rollback()
        state = queries.queue_rows_for(db.session, [conflict.post.id])[0].post.status
        return _answer(post_id, status=409, message=_(
            "Another moderator acted on this story first. It is now: %(state)s. Nothing was changed.",
            state=_state_label(state)))
    db.session.commit()
    return _answer(post_id, message=_done_message(action))


def _state_label(status: str) -> str:
    return {"pending": _("waiting for moderation"), "approved": _("published"), "rejected": _("rejected"),
            "hidden": _("hidden")}.get(status, status)


@bp.post("/gratitude/<int:post_id>/approve")
@staff_required
def approve(post_id: int):
    """Publish a waiting story, or keep a reported one in the feed (its reports are closed)."""
    return _act(post_id, "approve")


@bp.post("/gratitude/<int:post_id>/reject")
@staff_required
def reject(post_id: int):
    """Refuse a waiting story with a reason and an optional note; its author is emailed both."""
    form = RejectForm()
    if not form.validate_on_submit():
        return _answer(post_id, status=422, reject_form=form,
                       message=_("Choose a reason, and keep the note under 1,000 characters."))
    return _act(post_id, "reject", reason=form.reason.data, note=form.note.data or "")


@bp.post("/gratitude/<int:post_id>/hide")
@staff_required
def hide(post_id: int):
    """Take a published story out of the feed."""
    return _act(post_id, "hide")


@bp.post("/gratitude/<int:post_id>/restore")
@staff_required
def restore(post_id: int):
    """Put a hidden story back in the feed."""
    return _act(post_id, "restore")


@bp.get("/moderation-log")
@staff_required
def moderation_log():
    """Every moderation action, newest first: who, what, which story, when, why."""
    number = parse_page(request.args.get("page")) or 1
    return render_template("gratitude/moderation_log.html", log=queries.moderation_log(db.session, page=number))
