"""/<lang>/staff/notifications: what the outbox could not deliver yet, for staff, with a retry for failed rows."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlmodel import select

from portal.access import staff_required
from portal.extensions import db
from portal.notifications.models import Notification
from portal.notifications.services import retry_failed

bp = Blueprint("notifications", __name__, url_prefix="/<lang:lang>/staff/notifications")
LIMIT = 200


@bp.get("")
@staff_required
def staff_list():
    """Failed rows first, then pending ones (due soonest first), with attempts and the last error."""
    failed = db.session.exec(select(Notification).where(Notification.status == "failed")
                             .order_by(Notification.created_at.desc()).limit(LIMIT)).all()
    pending = db.session.exec(select(Notification).where(Notification.status == "pending")
                              .order_by(Notification.due_at).limit(LIMIT)).all()
    return render_template("notifications/staff_list.html", failed=failed, pending=pending)


@bp.post("/<int:notification_id>/retry")
@staff_required
def retry(notification_id: int):
    """Give a failed email a fresh set of attempts; it is sent again at once."""
    if retry_failed(db.session, notification_id) is None:
        abort(404)
    db.session.commit()
    flash(_("The email will be sent again."), "success")
    return redirect(url_for("notifications.staff_list"))
