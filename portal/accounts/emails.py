"""The account emails: what each kind says and which link it carries. Delivery renders and sends them.

Links are signed here, when the email is composed, so no live token is ever stored in the outbox. A builder
returns None when the email no longer applies (account gone, address changed, already verified).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session

import portal.accounts.tokens as tokens
from portal.accounts.models import User
from portal.urls import absolute_url
from portal.notifications.kinds import EmailContent
from portal.notifications.models import Notification

VERIFY_EMAIL = "account.verify_email"
CONFIRM_NEW_EMAIL = "account.confirm_new_email"
ALREADY_REGISTERED = "account.already_registered"
PASSWORD_RESET = "account.password_reset"
EMAIL_CHANGED = "account.email_changed"
LOGIN_LINK = "account.login_link"


def _user(notification: Notification, db: Session) -> User | None:
    return db.get(User, notification.user_id) if notification.user_id else None


def mask_email(address: str) -> str:
    """j•••@example.ca: enough for the owner to recognise, not enough to give the address away."""
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def verify_email(notification: Notification, db: Session) -> EmailContent | None:
    """Confirm the address of a new account."""
    user = _user(notification, db)
    if user is None or user.is_verified or user.email != notification.recipient_email:
        return None
    link = absolute_url("accounts.verify", lang=notification.locale, token=tokens.make_verify_token(user))
    return EmailContent(subject=_("Confirm your email address"), template="verify_email",
                        context={"first_name": user.first_name, "link": link, "change": False,
                                 "hours": int(tokens.VERIFY_MAX_AGE.total_seconds() // 3600)})


def confirm_new_email(notification: Notification, db: Session) -> EmailContent | None:
    """Confirm a new address before the account moves to it."""
    user = _user(notification, db)
    new_email = notification.payload_data.get("new_email")
    if user is None or new_email != notification.recipient_email or user.email == new_email:
        return None
    token = tokens.make_email_change_token(user, new_email)
    link = absolute_url("accounts.confirm_email_change", lang=notification.locale, token=token)
    return EmailContent(subject=_("Confirm your new email address"), template="verify_email",
                        context={"first_name": user.first_name, "link": link, "change": True,
                                 "hours": int(tokens.EMAIL_CHANGE_MAX_AGE.total_seconds() // 3600)})


def already_registered(notification: Notification, db: Session) -> EmailContent | None:
    """Someone tried to create an account (or move one) with an address or CMA ID that already has one."""
    user = _user(notification, db)
    if user is None:
        return None
    lang = notification.locale
    return EmailContent(subject=_("You already have a Wellness Connection account"), template="already_registered",
                        context={"first_name": user.first_name,
                                 "login_url": absolute_url("accounts.login", lang=lang),
                                 "reset_url": absolute_url("accounts.reset_request", lang=lang)})


def password_reset(notification: Notification, db: Session) -> EmailContent | None:
    """A link to choose a new password."""
    user = _user(notification, db)
    if user is None or user.email != notification.recipient_email:
        return None
    link = absolute_url("accounts.reset_password", lang=notification.locale, token=tokens.make_reset_token(user))
    return EmailContent(subject=_("Choose a new password"), template="password_reset",
                        context={"first_name": user.first_name, "link": link,
                                 "minutes": int(tokens.RESET_MAX_AGE.total_seconds() // 60),
                                 "reset_url": absolute_url("accounts.reset_request", lang=notification.locale)})


def login_link(notification: Notification, db: Session) -> EmailContent | None:
    """A one-time link that signs the owner in without the password (when sign-in is paused for the account)."""
    user = _user(notification, db)
    if user is None or user.email != notification.recipient_email:
        return None
    link = absolute_url("accounts.login_link", lang=notification.locale, token=tokens.make_login_token(user))
    return EmailContent(subject=_("Your sign-in link"), template="login_link",
                        context={"first_name": user.first_name, "link": link,
                                 "minutes": int(tokens.LOGIN_LINK_MAX_AGE.total_seconds() // 60),
                                 "reset_url": absolute_url("accounts.reset_request", lang=notification.locale)})


def email_changed(notification: Notification, db: Session) -> EmailContent | None:
    """Tell the old address that the account moved (so a takeover does not go unnoticed)."""
    payload = notification.payload_data
    return EmailContent(subject=_("The email address of your account was changed"), template="email_changed",
                        context={"first_name": payload.get("first_name", ""),
                                 "new_email": mask_email(payload.get("new_email", "")),
                                 "reset_url": absolute_url("accounts.reset_request", lang=notification.locale)})


# The kinds of email this feature sends, given to the app by accounts.init_app.
BUILDERS = {
    VERIFY_EMAIL: verify_email,
    CONFIRM_NEW_EMAIL: confirm_new_email,
    ALREADY_REGISTERED: already_registered,
    PASSWORD_RESET: password_reset,
    EMAIL_CHANGED: email_changed,
    LOGIN_LINK: login_link,
}
