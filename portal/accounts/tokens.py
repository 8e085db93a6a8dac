"""Signed, expiring, single-use links for email verification, password reset and email change.

Tokens are signed with SECRET_KEY (itsdangerous) and carry a timestamp, so they expire. They are not stored:
each one is bound to the account state it changes, so using it once makes it worthless:
- verify: bound to the address; once the address is verified, the link is spent.
- reset: bound to a fingerprint of the password hash and auth stamp; a new password spends it.
- email change: bound to the auth stamp; the change rotates the stamp, which spends it.
- sign-in link: bound to the auth stamp too; signing in with it rotates the stamp, which spends it.
Tokens are made by the email builders when the email is sent, so no live token sits in the outbox table.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from portal.accounts.models import User

VERIFY_MAX_AGE = timedelta(days=2)
RESET_MAX_AGE = timedelta(hours=1)
EMAIL_CHANGE_MAX_AGE = timedelta(days=2)
LOGIN_LINK_MAX_AGE = timedelta(minutes=15)
MAX_TOKEN_LENGTH = 500  # anything longer is not one of ours


class TokenError(Exception):
    """A link that cannot be used; `reason` is "invalid", "expired" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class EmailChange:
    """A confirmed request to move an account to a new address."""

    user: User
    new_email: str


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.accounts.{purpose}")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}|{user.auth_stamp}".encode()).hexdigest()[:20]


def _address_digest(email: str) -> str:
    # The verify link names the address by digest, so server logs of the URL do not hold it.
    return hashlib.sha256(email.encode()).hexdigest()[:20]


def _load(purpose: str, token: str, max_age: timedelta) -> dict:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("invalid")
    try:
        data = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenError("invalid")
    return data


def _user(db: Session, data: dict) -> User:
    user = db.get(User, data["u"])
    if user is None:
        raise TokenError("invalid")
    return user


def make_verify_token(user: User) -> str:
    """The link token that confirms the account's current address."""
    return _serializer("verify").dumps({"u": user.id, "e": _address_digest(user.email)})


def use_verify_token(db: Session, token: str) -> User:
    """The account whose address the token confirms; TokenError when invalid, expired or already used."""
    data = _load("verify", token, VERIFY_MAX_AGE)
    user = _user(db, data)
    if data.get("e") != _address_digest(user.email):
        raise TokenError("invalid")
    if user.is_verified:
        raise TokenError("used")
    return user


def make_reset_token(user: User) -> str:
    """The link token that lets the owner of the address choose a new password."""
    return _serializer("reset").dumps({"u": user.id, "f": _fingerprint(user)})


def use_reset_token(db: Session, token: str) -> User:
    """The account the reset link is for; TokenError when invalid, expired or already used."""
    data = _load("reset", token, RESET_MAX_AGE)
    user = _user(db, data)
    if data.get("f") != _fingerprint(user):
        raise TokenError("used")
    return user


def make_email_change_token(user: User, new_email: str) -> str:
    """The link token, sent to the new address, that moves the account there."""
    return _serializer("email-change").dumps({"u": user.id, "e": new_email, "s": user.auth_stamp})


def use_email_change_token(db: Session, token: str) -> EmailChange:
    """The change the link confirms; TokenError when invalid, expired or already used."""
    data = _load("email-change", token, EMAIL_CHANGE_MAX_AGE)
    user = _user(db, data)
    if not isinstance(data.get("e"), str):
        raise TokenError("invalid")
    if data.get("s") != user.auth_stamp:
        raise TokenError("used")
    return EmailChange(user=user, new_email=data["e"])


def make_login_token(user: User) -> str:
    """The link token that signs the owner of the address in once, without the password."""
    return _serializer("login-link").dumps({"u": user.id, "s": user.auth_stamp})


def use_login_token(db: Session, token: str) -> User:
    """The account a sign-in link is for; TokenError when invalid, expired or already used. The caller rotates
    the auth stamp when it signs the person in, which spends the link."""
    data = _load("login-link", token, LOGIN_LINK_MAX_AGE)
    user = _user(db, data)
    if data.get("s") != user.auth_stamp:
        raise TokenError("used")
    return user
