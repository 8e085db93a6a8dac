"""Signing a test client in without the form: a real server-side sign-in row, named by the session cookie."""
from __future__ import annotations

import portal.accounts.signins as signins
from portal.accounts.models import User
from portal.extensions import db as portal_db


def sign_in_id(app, user_id: int) -> str:
    """Record a signed-in browser for the account and return the id its session cookie carries."""
    with app.app_context():
        with portal_db.new_session(write=True) as session:
            identity = signins.start(session, session.get(User, user_id))
            session.commit()
    return identity


def sign_in_client(app, client, user_id: int) -> str:
    """Put a fresh sign-in of the account in the client's session cookie; returns its id."""
    identity = sign_in_id(app, user_id)
    with client.session_transaction() as cookie:
        cookie["_user_id"] = identity
        cookie["_fresh"] = True
    return identity
