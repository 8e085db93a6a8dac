"""Flask-Login wiring: how a session cookie becomes a User."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.extensions import db, login_manager

login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in user, or None when the id is unknown or malformed."""
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
