"""Sign-up, verification, sign-in and password reset. No flask.request in here: views pass plain values, and
own the transaction: nothing here commits.

Nothing here tells a visitor whether an address or CMA ID already has an account: sign-up, "send the link
again" and password reset answer the same way whatever the database holds, and the email goes to the owner.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

import portal.accounts.emails as emails
import portal.accounts.signins as signins
import portal.accounts.tokens as tokens
from portal.accounts.models import User
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.extensions import utcnow
from portal.notifications.services import notify


@dataclass
class SignupData:
    """What the sign-up form collected, already validated."""

    first_name: str
    last_name: str
    email: str
    password: str
    cma_id: str
    category: str
    province: str
    locale: str


def time_bucket(minutes: int) -> str:
    """A label that changes every `minutes`: in a dedupe key, repeats within the window add nothing."""
    return str(int(utcnow().timestamp() // (minutes * 60)))


def find_by_email(db: Session, email: str) -> User | None:
    """The account with this (already lower-cased) address."""
    return db.exec(select(User).where(User.email == email.strip().lower())).first()


def send_verification(db: Session, user: User) -> None:
    """Queue the "confirm your address" email (at most one a minute)."""
    notify(db, kind=emails.VERIFY_EMAIL, recipient_email=user.email, user_id=user.id, locale=user.locale,
           dedupe_key=f"{emails.VERIFY_EMAIL}:{user.id}:{user.email}:{time_bucket(1)}")


def send_already_registered(db: Session, user: User) -> None:
    """Queue "you already have an account" to the owner (at most one an hour, so it cannot be used to spam)."""
    notify(db, kind=emails.ALREADY_REGISTERED, recipient_email=user.email, user_id=user.id, locale=user.locale,
           dedupe_key=f"{emails.ALREADY_REGISTERED}:{user.id}:{time_bucket(60)}")


def sign_up(db: Session, data: SignupData) -> User | None:
    """Create an unverified account and queue its verification email.

    When the email or the CMA ID already belongs to an account, nothing is created: the owner of that account
    (at the address on file, never the one typed) is sent "you already have an account", and None is returned.
    The caller shows the same page either way.
    """
    password_hash = hash_password(data.password)  # hashed either way, so both paths take the same time
    existing = _existing_accounts(db, data.email, data.cma_id)
    if not existing:
        user = User(email=data.email, password_hash=password_hash, first_name=data.first_name,
                    last_name=data.last_name, cma_id=data.cma_id, category=data.category, province=data.province,
                    locale=data.locale)
        try:
            with db.begin_nested():  # a savepoint: a clash undoes the new row, not the caller's transaction
                db.add(user)
        except IntegrityError:  # another sign-up with the same email or CMA ID committed first
            existing = _existing_accounts(db, data.email, data.cma_id)
        else:
            send_verification(db, user)
            return user
    for account in existing:
        send_already_registered(db, account)
    return None


def _existing_accounts(db: Session, email: str, cma_id: str) -> list[User]:
    # An unverified account holds its address (only its owner can confirm it) but not its CMA ID: anyone could
    # type someone else's, so only a confirmed account blocks a CMA ID (and verification checks it again).
    found = db.exec(select(User).where((User.email == email) | (
        (User.cma_id == cma_id) & User.email_verified_at.is_not(None)))).all()
    return sorted(found, key=lambda user: user.id)


class CmaIdTaken(Exception):
    """A confirmed account already has this account's CMA ID; `owner` is that account."""

    def __init__(self, owner: User | None) -> None:
        super().__init__("CMA ID already confirmed by another account")
        self.owner = owner


def verified_owner_of_cma_id(db: Session, user: User) -> User | None:
    """Another, confirmed account with `user`'s CMA ID."""
    return db.exec(select(User).where(User.cma_id == user.cma_id, User.id != user.id,
                                      User.email_verified_at.is_not(None))).first()


def mark_verified(db: Session, user: User) -> None:
    """Confirm the account's address; raises CmaIdTaken (and changes nothing) when a confirmed account already
    has its CMA ID. The partial unique index (models.py) settles two confirmations racing for one ID."""
    owner = verified_owner_of_cma_id(db, user)
    if owner is None:
        try:
            with db.begin_nested():
                user.email_verified_at = utcnow()
                user.updated_at = utcnow()
                db.add(user)
                db.flush()
            return
        except IntegrityError:
            db.refresh(user)
            owner = verified_owner_of_cma_id(db, user)
    raise CmaIdTaken(owner)


def resend_verification(db: Session, email: str) -> None:
    """Queue the verification email again if that address has an unverified account. Says nothing."""
    user = find_by_email(db, email)
    if user is not None and not user.is_verified:
        send_verification(db, user)


def verify_email(db: Session, token: str) -> User:
    """Mark the address confirmed; raises tokens.TokenError ("invalid", "expired", "used", or "cma_taken" when a
    confirmed account already has this account's CMA ID: its owner is then told, at the address on file)."""
    user = tokens.use_verify_token(db, token)
    try:
        mark_verified(db, user)
    except CmaIdTaken as taken:
        if taken.owner is not None:
            send_already_registered(db, taken.owner)
        raise tokens.TokenError("cma_taken") from taken
    return user


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The account for these credentials, or None; upgrades an old hash on the way (the caller commits)."""
    user = find_by_email(db, email)
    if user is None:
        verify_password(None, password)  # same time as a wrong password
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.add(user)
    return user


def request_password_reset(db: Session, email: str) -> None:
    """Queue a reset link if the address has an account (at most one a minute). Says nothing."""
    user = find_by_email(db, email)
    if user is None:
        return
    notify(db, kind=emails.PASSWORD_RESET, recipient_email=user.email, user_id=user.id, locale=user.locale,
           dedupe_key=f"{emails.PASSWORD_RESET}:{user.id}:{time_bucket(1)}")


def request_login_link(db: Session, email: str) -> None:
    """Queue a one-time sign-in link if the address has an account (at most one a minute). Says nothing."""
    user = find_by_email(db, email)
    if user is None:
        return
    notify(db, kind=emails.LOGIN_LINK, recipient_email=user.email, user_id=user.id, locale=user.locale,
           dedupe_key=f"{emails.LOGIN_LINK}:{user.id}:{time_bucket(1)}")


def use_login_link(db: Session, token: str) -> User:
    """The account a sign-in link opens, spending the link (and any older reset or email-change link); opening
    it proves the address, so an unconfirmed account is confirmed too when its CMA ID is free. Raises
    tokens.TokenError."""
    user = tokens.use_login_token(db, token)
    user.new_auth_stamp()
    if not user.is_verified:
        try:
            mark_verified(db, user)
        except CmaIdTaken:
            pass
    db.add(user)
    return user


def check_reset_token(db: Session, token: str) -> User:
    """The account a reset link is for; raises tokens.TokenError."""
    return tokens.use_reset_token(db, token)


def reset_password(db: Session, token: str, new_password: str) -> User:
    """Set the new password (the link proved the address, so it is verified too, unless a confirmed account
    already has its CMA ID) and end every sign-in of the account."""
    user = tokens.use_reset_token(db, token)
    set_password(user, new_password)
    signins.end_all(db, user)
    if not user.is_verified:
        try:
            mark_verified(db, user)
        except CmaIdTaken:
            pass  # the password is still changed; the account stays unconfirmed
    db.add(user)
    return user


def set_password(user: User, new_password: str) -> None:
    """Store a new password hash and rotate the auth stamp (spends reset and email-change links); no commit."""
    user.password_hash = hash_password(new_password)
    user.new_auth_stamp()
    user.updated_at = utcnow()

