"""/<lang>/staff/notifications: what the outbox could not deliver yet, for staff, with a retry for failed rows."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from portal.access import staff_required
from portal.extensions import db
from portal.notifications.services import outbox_for_staff, retry_failed

bp = Blueprint("notifications", __name__, url_prefix="/<lang:lang>/staff/notifications")


@bp.get("")
@staff_required
def staff_list():
    """Failed rows, then those failing for over an hour, those due and not sent, and those scheduled later, with
    attempts and the last error."""
    return render_template("notifications/staff_list.html", outbox=outbox_for_staff(db.session),
                           max_age_hours=f"{float(current_app.config['PORTAL_DELIVERY_MAX_AGE_HOURS']):g}")


@bp.post("/<int:notification_id>/retry")
@staff_required
def retry(notification_id: int):
    """Give a failed email a fresh set of attempts; it is sent again at once."""
    if retry_failed(db.session, notification_id) is None:
        abort(404)
    db.session.commit()
    flash(_("The email will be sent again."), "success")
    return redirect(url_for("notifications.staff_list"))
