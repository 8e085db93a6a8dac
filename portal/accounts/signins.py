"""Signed-in browsers, kept on the server: the session and remember-me cookies name a `SignIn` row, not just the
account, so signing out (deleting the row) ends both cookies for good, on that browser only.

Flask-Login's user id is "<account id>:<sign-in key>". The loader (user_loader.py) reads the account and its
sign-in row in one query and refuses an id whose row is gone. Nothing here commits: the view owns the transaction.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import session
from flask_login import login_user
from sqlalchemy import delete
from sqlmodel import Session, select

from portal.accounts.models import SignIn, User

KEY_BYTES = 24


def _stored(key: str) -> str:
    # The table keeps a digest of each key, so someone who reads the database cannot sign in with what they read.
    return hashlib.sha256(key.encode()).hexdigest()


def session_id(user: User, key: str) -> str:
    """The id Flask-Login keeps in the session cookie and the remember-me cookie."""
    return f"{user.id}:{key}"


def parse_session_id(value: str) -> tuple[int, str] | None:
    """(account id, sign-in key) from a cookie's id, or None when it is not one of ours."""
    account_id, _sep, key = (value or "").partition(":")
    if not account_id.isdigit() or len(account_id) > 18 or not key or len(key) > 64:
        return None
    return int(account_id), key


def start(db: Session, user: User) -> str:
    """Record a new signed-in browser for `user`; returns the id its cookies will carry."""
    key = secrets.token_urlsafe(KEY_BYTES)
    db.add(SignIn(key=_stored(key), user_id=user.id))
    db.flush()
    return session_id(user, key)


def sign_in(db: Session, user: User, *, remember: bool) -> None:
    """Sign this browser in as `user` on a new server-side sign-in (call with a cleared session)."""
    identity = start(db, user)
    login_user(user, remember=remember)
    session["_user_id"] = identity  # login_user stored get_id(); the cookies must name the sign-in row


def current_key() -> str | None:
    """The sign-in key of this browser, if it is signed in."""
    parsed = parse_session_id(session.get("_user_id", ""))
    return parsed[1] if parsed else None


def end(db: Session, key: str | None) -> None:
    """Forget one signed-in browser (sign-out)."""
    if key:
        db.exec(delete(SignIn).where(SignIn.key == _stored(key)))


def end_all(db: Session, user: User, *, keep: str | None = None) -> None:
    """Sign the account out everywhere (new password, moved address), except the browser holding `keep`."""
    statement = delete(SignIn).where(SignIn.user_id == user.id)
    if keep:
        statement = statement.where(SignIn.key != _stored(keep))
    db.exec(statement)


def load(db: Session, value: str) -> User | None:
    """The account a cookie's id names, when its sign-in row still exists: one query."""
    parsed = parse_session_id(value)
    if parsed is None:
        return None
    account_id, key = parsed
    statement = select(User).join(SignIn, SignIn.user_id == User.id).where(SignIn.key == _stored(key),
                                                                              User.id == account_id)
    return db.exec(statement).first()
