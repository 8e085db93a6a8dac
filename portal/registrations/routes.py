"""Registration views: the panel's two POSTs, the account page's calendar-feed actions and the private feed.

Thin views: they check who is asking, call services and answer. An htmx request gets the panel fragment back
(its outcome announced through data-announce); a plain form post is redirected back with a flash message.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from portal.access import is_safe_path, redirect_for_htmx
from portal.extensions import db, limiter, login_manager
from portal.htmx import wants_fragment
import portal.registrations.feeds as feeds
import portal.registrations.services as services
from portal.registrations.panel import render_panel
from portal.security import ORIGIN_ONLY_REFERRER
from portal.sessions.models import SupportSession
from portal.urls import absolute_url, webcal_url

bp = Blueprint("registrations", __name__, url_prefix="/<lang:lang>")
# The private feed sits outside the language prefix: calendar apps keep the URL, and the member's own language
# (their profile) decides the feed's words.
feed_bp = Blueprint("calendar_feeds", __name__)


def member_or_address() -> str:
    """Rate-limit key: the signed-in member, else the client address."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


# Enough for a person changing their mind a few times; a script hammering the lock gets 429s.
registration_limit = limiter.limit("20 per minute;200 per day", key_func=member_or_address, methods=["POST"])


def _refuse_non_members(session_id: int):
    """Anonymous visitors go to sign in (and come back to the session page); unverified members get the 403
    page that explains why and offers the link again. None for a verified member."""
    if not current_user.is_authenticated:
        flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect_for_htmx(url_for("accounts.login", next=url_for("sessions.detail", session_id=session_id)))
    if not current_user.is_verified:
        return render_template("accounts/verify_needed.html"), 403
    return None


def _answer(session_id: int, outcome: services.Outcome):
    """The panel fragment for htmx (outcome announced), else a redirect back with the outcome flashed."""
    if outcome.result == "not_found":
        abort(404)
    if wants_fragment():
        session = db.session.get(SupportSession, session_id)
        response = Response(render_panel(session, message=outcome.message, ok=outcome.ok, oob_places=True))
        response.vary.add("HX-Request")
        response.headers["Cache-Control"] = "private, no-store"
        return response
    flash(outcome.message, "success" if outcome.ok else "error")
    target = request.form.get("next", "")
    return redirect(target if is_safe_path(target) else url_for("sessions.detail", session_id=session_id))


def _change(session_id: int, change):
    """Run register or cancel for the signed-in member in this request's transaction, commit, then answer.

    The request's own session, not a new one: a POST's session already holds SQLite's write lock (BEGIN IMMEDIATE,
    taken when the signed-in user was loaded), so a second writer would wait for it forever.
    """
    refusal = _refuse_non_members(session_id)
    if refusal is not None:
        return refusal
    outcome = change(db.session, session_id=session_id, user=current_user._get_current_object())
    db.session.commit()
    return _answer(session_id, outcome)


@bp.post("/sessions/<int:session_id>/registration")
@registration_limit
def register(session_id: int):
    """Take a place, or the next place on the waiting list when the session is full (repeats change nothing)."""
    return _change(session_id, services.register)


@bp.post("/sessions/<int:session_id>/registration/cancel")
@registration_limit
def cancel(session_id: int):
    """Give up a place (the first on the waiting list gets it) or leave the waiting list."""
    return _change(session_id, services.cancel)


@bp.post("/account/calendar-feed")
@login_required
@registration_limit
def issue_feed():
    """Create (or replace) the member's private calendar-feed address and show it, this once."""
    token = feeds.issue_feed_token(db.session, current_user._get_current_object())
    db.session.commit()
    response = Response(render_template("registrations/feed_created.html",
                                        feed_url=absolute_url("calendar_feeds.feed", token=token),
                                        subscribe_url=webcal_url("calendar_feeds.feed", token=token)))
    response.headers["Cache-Control"] = "no-store"  # the address is a secret: no copy in any cache
    response.headers["Referrer-Policy"] = ORIGIN_ONLY_REFERRER  # the page has forms (see portal.security)
    return response


@bp.post("/account/calendar-feed/off")
@login_required
@registration_limit
def revoke_feed():
    """Turn the private calendar feed off: its address stops working at once."""
    revoked = feeds.revoke_feed_token(db.session, current_user._get_current_object())
    db.session.commit()
    if revoked:
        flash(_("Your private calendar address is turned off. Calendars using it will stop updating."), "info")
    return redirect(url_for("accounts.account") + "#my-calendar")


@feed_bp.get("/calendar/<token>.ics")
def feed(token: str):
    """A member's private feed: their confirmed sessions with Zoom links. Unknown or revoked token: 404."""
    user = feeds.user_for_feed_token(db.session, token)
    if user is None:
        abort(404)
    response = Response(feeds.feed_for(db.session, user), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="my-wellness-connection.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
