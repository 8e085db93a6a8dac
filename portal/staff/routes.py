"""The staff console: /<lang>/staff. Thin views: parse, call services, render. Staff only (`staff_required` on
every view): members get the 403 page, visitors the sign-in page.

No staff page lists who is coming to a session: numbers only, a promise of the programme.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import is_safe_path, staff_required
from portal.extensions import db, utcnow
from portal.htmx import render, wants_fragment
from portal.sessions.models import SupportSession
import portal.staff.queries as queries
import portal.staff.services as services
from portal.staff.forms import REQUIRED_TO_PUBLISH, SessionForm, form_data_of, missing_to_publish
from portal.staff.models import ACTIONS
from portal.staff.signals import staff_overview
from portal.urls import parse_page

bp = Blueprint("staff", __name__, url_prefix="/<lang:lang>/staff")
PER_PAGE = 25
LOG_PER_PAGE = 50


@bp.context_processor
def _vocabulary() -> dict:
    return {"missing_labels": REQUIRED_TO_PUBLISH, "missing_to_publish": missing_to_publish, "ACTIONS": ACTIONS}


def _session_or_404(session_id: int) -> SupportSession:
    session = db.session.get(SupportSession, session_id)
    if session is None:
        abort(404)
    return session


@bp.get("")
@staff_required
def index():
    """Upcoming sessions with places taken, capacity and waiting list (numbers only), failed emails, and what
    the other features report (the moderation queue...)."""
    sections = [part for _receiver, part in staff_overview.send(current_app._get_current_object(), db=db.session)
                if part]
    return render_template("staff/index.html", rows=queries.upcoming_rows(db.session, now=utcnow()),
                           failed=queries.failed_email_count(db.session), sections=sections)


@bp.get("/sessions")
@staff_required
def sessions():
    """Every session, upcoming first, filtered by `q` and `status`; an htmx request gets only the results."""
    filters = queries.parse_filters(request.args)
    listing = queries.console_sessions(db.session, filters=filters, per_page=PER_PAGE, now=utcnow())
    return render("staff/sessions.html", "staff/_results.html", filters=filters, listing=listing,
                  statuses=queries.STATUS_FILTERS)


def _form_page(form: SessionForm, session: SupportSession | None, status: int = 200):
    return render_template("staff/form.html", form=form, session=session), status


def _refused(form: SessionForm, session: SupportSession | None, refusal: services.Refused):
    db.session.rollback()
    field = getattr(form, refusal.field) if refusal.field else None
    if field is not None:
        field.errors = [*field.errors, refusal.message]
    else:
        form.form_errors.append(refusal.message)
    return _form_page(form, session, 422)


def _saved_message(result: services.Result, *, publishing: bool) -> str:
    session = result.session
    if session.is_draft:
        return _("Draft saved. It is not public until you publish it.")
    if publishing:
        return _("Published: the session is now listed for members.")
    if not result.changes:
        return _("Nothing was changed.")
    return _("Changes saved. Registered members are being told by email where it concerns them.")


@bp.route("/sessions/new", methods=["GET", "POST"])
@staff_required
def new_session():
    """Create a session: publish it (both languages needed) or save it as a draft."""
    publish = request.form.get("action", "publish") != "draft"
    form = SessionForm(publishing=publish)
    if not form.validate_on_submit():
        return _form_page(form, None, 422 if request.method == "POST" else 200)
    try:
        result = services.create_session(db.session, values=form.values(), publish=publish, actor=current_user,
                                         now=utcnow())
    except services.Refused as refusal:
        return _refused(form, None, refusal)
    db.session.commit()
    flash(_saved_message(result, publishing=publish), "success")
    return redirect(url_for("staff.edit_session", session_id=result.session.id))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_session(session_id: int):
    """Change a session, or publish a draft. Members already registered hear of a new time, length or Zoom
    link; capacity cannot go below the places already taken."""
    session = _session_or_404(session_id)
    publish = request.form.get("action", "publish") != "draft"
    form = SessionForm(data=form_data_of(session) if request.method == "GET" else None,
                       current_zoom_url=session.zoom_url, publishing=publish)
    if request.method == "GET" or session.is_cancelled or not form.validate_on_submit():
        if request.method == "POST" and session.is_cancelled:
            form.form_errors.append(_("This session is cancelled and can no longer be changed."))
        return _form_page(form, session, 422 if request.method == "POST" else 200)
    was_draft = session.is_draft
    try:
        result = services.update_session(db.session, session_id=session_id, values=form.values(), publish=publish,
                                         actor=current_user, now=utcnow())
    except services.Refused as refusal:
        return _refused(form, session, refusal)
    db.session.commit()
    flash(_saved_message(result, publishing=was_draft and publish), "success")
    return redirect(url_for("staff.edit_session", session_id=session_id))


@bp.get("/sessions/<int:session_id>/preview")
@staff_required
def preview(session_id: int):
    """The public page as members will see it, drafts included, in the language of the URL."""
    session = _session_or_404(session_id)
    return render_template("staff/preview.html", session=session, has_started=session.starts_at <= utcnow(),
                           parts=[])


def _row_response(session: SupportSession, *, announce: str, extra: SupportSession | None = None):
    """The session's row (and a new row after it), replacing the old one in place, with the dialog closed."""
    rows = queries.rows_for(db.session, [session] + ([extra] if extra else []), now=utcnow())
    return render_template("staff/_row_swap.html", rows=rows, announce=announce)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@staff_required
def cancel_session(session_id: int):
    """Cancel, after a confirmation: GET, or a POST without `confirm=yes`, answers with the confirmation (a page,
    or a dialog for htmx); a POST with it tells members and closes registration."""
    session = _session_or_404(session_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        row = queries.rows_for(db.session, [session], now=utcnow())[0]
        template = "staff/_cancel_dialog.html" if wants_fragment() else "staff/cancel.html"
        return render_template(template, row=row)
    result = services.cancel_session(db.session, session_id=session_id, actor=current_user, now=utcnow())
    db.session.commit()
    message = _("“%(title)s” is cancelled. Members who had registered are being told by email.",
                title=result.session.title_en or result.session.title_fr)
    if wants_fragment():
        return _row_response(result.session, announce=message)
    flash(message, "success")
    return redirect(request.form.get("back") if _is_console_path(request.form.get("back"))
                    else url_for("staff.sessions"))


@bp.post("/sessions/<int:session_id>/duplicate")
@staff_required
def duplicate_session(session_id: int):
    """A draft copy one week later at the same Eastern time: its row appears below the original (htmx), or its
    form opens (without JavaScript)."""
    try:
        result = services.duplicate_session(db.session, session_id=session_id, actor=current_user, now=utcnow())
    except LookupError:
        abort(404)
    db.session.commit()
    message = _("Copy saved as a draft one week later. Check it, then publish it.")
    if wants_fragment():
        original = db.session.get(SupportSession, session_id)
        return _row_response(original, announce=message, extra=result.session)
    flash(message, "success")
    return redirect(url_for("staff.edit_session", session_id=result.session.id))


def _is_console_path(path: str | None) -> bool:
    return bool(path) and is_safe_path(path) and "/staff/" in path


@bp.get("/log")
@staff_required
def log():
    """What staff did, newest first, a page at a time."""
    number = parse_page(request.args.get("page")) or 1
    entries = queries.action_log(db.session, page=number, per_page=LOG_PER_PAGE)
    return render_template("staff/log.html", log=entries)
