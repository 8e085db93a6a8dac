"""Flask-Login wiring: how a session cookie becomes a User, and where anonymous visitors are sent."""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import lazy_gettext as _l

from portal.access import redirect_for_htmx
from portal.accounts.models import User
from portal.extensions import db, login_manager


def load_user(user_id: str) -> User | None:
    """The signed-in user, or None when the id is unknown, malformed, or its auth stamp has changed."""
    account_id, _sep, stamp = user_id.partition(":")
    if not account_id.isdigit() or not stamp:
        return None
    user = db.session.get(User, int(account_id))
    if user is None or user.auth_stamp != stamp:
        return None
    return user


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
