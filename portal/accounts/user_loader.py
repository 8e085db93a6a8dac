"""Flask-Login wiring: how a session cookie becomes a User, and where anonymous visitors are sent."""
from __future__ import annotations

from flask import current_app, flash, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

import portal.accounts.signins as signins
from portal.access import redirect_for_htmx
from portal.accounts.models import User
from portal.extensions import DatabaseUnavailable, db, login_manager


def load_user(user_id: str) -> User | None:
    """The signed-in user, or None when the id is malformed or its sign-in has ended (signed out, new password).

    Fails soft: when the database does not answer, the visitor is treated as anonymous (and it is logged), so
    pages that need no data, and every error page, still render. The rest of the request is told the database
    is down (db.mark_unavailable), so it answers 503 at once instead of waiting for a second connection.
    """
    try:
        return signins.load(db.session, user_id)
    except (SQLAlchemyError, DatabaseUnavailable) as exc:
        current_app.logger.warning("Sign-in: could not load the signed-in member (%s); treating the visitor as anonymous",
                                   type(exc).__name__)
        db.mark_unavailable(exc)
        return None


def send_to_login():
    """Anonymous visitors go to the sign-in page with `next` set to this path (never a full URL)."""
    flash(str(login_manager.login_message), login_manager.login_message_category)
    path = request.full_path if request.query_string else request.path
    return redirect_for_htmx(url_for("accounts.login", next=path))


def init_login_manager() -> None:
    """Tell the login manager how to load a user and where sign-in lives."""
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.login_view = "accounts.login"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(send_to_login)
