"""Rate limits for the account forms, so an attacker is slowed down while a person who mistypes (or a hospital
sharing one IP) is not locked out. Storage is Redis when REDIS_URL is set, memory in embedded mode
(Flask-Limiter, RATELIMIT_STORAGE_URI). A breach answers 429 with the friendly page.

Sign-in failures are counted three ways:
- per account, from every address together: 10 in 15 minutes (OWASP ASVS 2.2.1). Past it every attempt on that
  account gets 429, wherever it comes from; the owner still gets in with a one-time link sent by email
  (routes.login_link_request).
- per address and account: a person retyping their own password.
- per address: many accounts tried from one place. A browser that has signed in to the account before (a
  signed "known device" cookie, as OWASP's device-cookie scheme has it) is exempt, so one noisy machine
  behind a hospital's NAT does not lock a colleague out of their own account.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import after_this_request, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal.extensions import limiter

DEVICE_COOKIE = "known_device"
DEVICE_MAX_AGE = timedelta(days=365)


def _form_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def ip_and_email() -> str:
    """The visitor's IP together with the address the form names (or the signed-in account)."""
    email = _form_email()
    if not email and current_user.is_authenticated:
        email = f"user:{current_user.id}"
    return f"{get_remote_address()}|{email}"


def account_key() -> str:
    """The account the sign-in form names, whatever address the attempt comes from."""
    return f"account|{_form_email()}"


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="portal.accounts.known-device")


def _account_digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:20]


def remember_device(user) -> None:
    """After a correct sign-in: mark this browser as one that knows the account (a signed cookie)."""
    value = _device_serializer().dumps(_account_digest(user.email))

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=int(DEVICE_MAX_AGE.total_seconds()), httponly=True,
                            samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        return response


def known_device() -> bool:
    """The browser has signed in to the account the form names before (its cookie says so, signed by us)."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        digest = _device_serializer().loads(cookie, max_age=int(DEVICE_MAX_AGE.total_seconds()))
    except BadSignature:
        return False
    return digest == _account_digest(_form_email())


def _failed(response) -> bool:
    # A successful sign-in redirects; only failures count, so a member who gets in is never slowed.
    return response.status_code != 302


def _sent(_response) -> bool:
    # Only submissions that reached a service that sends an email count (the view says so); fixing typos in a
    # form, or a signed-in member sent away from the sign-up page, costs nothing.
    return bool(g.get("email_budget_spent"))


login_limits = [
    limiter.limit("10 per 15 minutes", key_func=account_key, methods=["POST"], deduct_when=_failed),
    limiter.limit("10 per 5 minutes;30 per hour", key_func=ip_and_email, methods=["POST"], deduct_when=_failed),
    limiter.limit("100 per hour", methods=["POST"], deduct_when=_failed, exempt_when=known_device),
]
email_sending_limits = [
    limiter.limit("3 per 10 minutes;10 per day", key_func=ip_and_email, methods=["POST"], deduct_when=_sent),
    limiter.limit("30 per hour", methods=["POST"], deduct_when=_sent),
]
token_limits = [limiter.limit("20 per 10 minutes", methods=["POST"])]


def apply(limits):
    """Decorate a view with a list of limits."""

    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate
