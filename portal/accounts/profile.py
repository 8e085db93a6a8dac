"""The member's own account: profile, email change, password change, deletion. Nothing here commits: the view
owns the transaction.

Deletion removes the account row and everything personal hanging off it (registrations cascade; the outbox rows
addressed to the person are deleted). Features holding data that must outlive the account in another form, or
that must act on it (free the person's places), receive the `account_deleting` signal (accounts/signals.py),
sent inside the deletion's transaction before the row goes.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_
from sqlmodel import Session, select

import portal.accounts.emails as emails
import portal.accounts.signins as signins
import portal.accounts.tokens as tokens
from portal.accounts.models import User
from portal.accounts.services import (CmaIdTaken, find_by_email, mark_verified, send_already_registered,
                                      set_password, time_bucket)
from portal.accounts.signals import account_deleting
from portal.extensions import utcnow
from portal.notifications.models import Notification
from portal.notifications.services import notify


def update_profile(db: Session, user: User, *, first_name: str, last_name: str, province: str,
                   locale: str) -> None:
    """Save name, province and language."""
    user.first_name, user.last_name, user.province, user.locale = first_name, last_name, province, locale
    user.updated_at = utcnow()
    db.add(user)


def request_email_change(db: Session, user: User, new_email: str) -> None:
    """Send a confirmation link to the new address; the account moves only when it is opened.

    If the new address already has an account, its owner gets "you already have an account" instead, and the
    requester sees the same message either way.
    """
    if new_email == user.email:
        return
    owner = find_by_email(db, new_email)
    if owner is not None:
        send_already_registered(db, owner)
    else:
        notify(db, kind=emails.CONFIRM_NEW_EMAIL, recipient_email=new_email, user_id=user.id, locale=user.locale,
               payload={"new_email": new_email},
               dedupe_key=f"{emails.CONFIRM_NEW_EMAIL}:{user.id}:{new_email}:{time_bucket(1)}")


def confirm_email_change(db: Session, token: str, *, keep: str | None = None) -> User:
    """Move the account to the confirmed address, tell the old one, end every sign-in but the browser `keep`.

    Raises tokens.TokenError ("invalid", "expired", "used"), or "taken" when the address got an account since.
    """
    change = tokens.use_email_change_token(db, token)
    user, old_email = change.user, change.user.email
    if find_by_email(db, change.new_email) is not None:
        raise tokens.TokenError("taken")
    user.email = change.new_email
    try:
        mark_verified(db, user)
    except CmaIdTaken:
        pass  # the new address is proven; the account stays unconfirmed, as its CMA ID is someone else's
    user.new_auth_stamp()
    signins.end_all(db, user, keep=keep)
    user.updated_at = utcnow()
    db.add(user)
    notify(db, kind=emails.EMAIL_CHANGED, recipient_email=old_email, user_id=user.id, locale=user.locale,
           payload={"first_name": user.first_name, "new_email": change.new_email},
           dedupe_key=f"{emails.EMAIL_CHANGED}:{user.id}:{user.auth_stamp}")
    return user


def change_password(db: Session, user: User, new_password: str, *, keep: str | None = None) -> None:
    """Store the new password and end every sign-in of the account but the browser `keep`."""
    set_password(user, new_password)
    signins.end_all(db, user, keep=keep)
    db.add(user)


def delete_account(db: Session, user: User) -> None:
    """Remove the account and the personal data tied to it, once the features that receive `account_deleting`
    have done their part, in the same transaction."""
    account_deleting.send(current_app._get_current_object(), db=db, user=user)
    db.exec(delete(Notification).where(or_(Notification.user_id == user.id,
                                           Notification.recipient_email == user.email)))
    db.delete(user)


UNVERIFIED_LIFETIME = timedelta(days=7)


def expire_unverified(db: Session) -> int:
    """The clock's job: delete the accounts whose address was not confirmed within 7 days (they hold nothing,
    not even their CMA ID, but they keep their address from a real sign-up); returns how many. Commits."""
    cutoff = utcnow() - UNVERIFIED_LIFETIME
    stale = db.exec(select(User).where(User.email_verified_at.is_(None), User.created_at < cutoff)).all()
    for user in stale:
        delete_account(db, user)
    db.commit()
    return len(stale)
