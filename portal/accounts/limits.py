"""Rate limits for the account forms: per IP and address, short windows, so an attacker is slowed down while
a person who mistypes (or a hospital sharing one IP) is not locked out. Storage is Redis when REDIS_URL is
set, memory in embedded mode (Flask-Limiter, RATELIMIT_STORAGE_URI). A breach answers 429 with the friendly page.
"""
from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portal.extensions import limiter


def ip_and_email() -> str:
    """The visitor's IP together with the address the form names (or the signed-in account)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    if not email and current_user.is_authenticated:
        email = f"user:{current_user.id}"
    return f"{get_remote_address()}|{email}"


def _failed(response) -> bool:
    # A successful sign-in redirects; only failures count, so a member who gets in is never slowed.
    return response.status_code != 302


def _succeeded(response) -> bool:
    # Only submissions that send an email count; fixing typos in a form costs nothing.
    return response.status_code == 302


login_limits = [
    limiter.limit("10 per 5 minutes;30 per hour", key_func=ip_and_email, methods=["POST"], deduct_when=_failed),
    limiter.limit("100 per hour", methods=["POST"], deduct_when=_failed),
]
email_sending_limits = [
    limiter.limit("3 per 10 minutes;10 per day", key_func=ip_and_email, methods=["POST"], deduct_when=_succeeded),
    limiter.limit("30 per hour", methods=["POST"], deduct_when=_succeeded),
]
token_limits = [limiter.limit("20 per 10 minutes", methods=["POST"])]


def apply(limits):
    """Decorate a view with a list of limits."""

    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate
