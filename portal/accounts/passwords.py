"""Password hashing (argon2) and the password rules: 12 to 128 characters, not common, not easy to guess.

The common-password list is zxcvbn's (the `zxcvbn` package on PyPI, from the zxcvbn project by Dropbox): the
30,000 most frequent passwords of the xato.net corpus. A password is refused when it is on that list once case,
and the digits and symbols people add at the end ("Password2024!"), are taken away, and also when zxcvbn's
estimator says it would fall to fewer than 10^8 guesses (keyboard walks, repeats, dates, the person's own name).
Passwords are never logged and never stored anywhere but as an argon2 hash.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
_SUFFIX = re.compile(r"[\d\W_]+$")
# zxcvbn looks at the first 72 characters; longer passwords are judged on those (they are long enough anyway).
_ZXCVBN_MAX = 72
_MIN_GUESSES = 1e8

_FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only (PASSWORD_HASH_FAST)
_STRONG = PasswordHasher()  # argon2id, RFC 9106 "low memory" profile
# Verified when the email is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = _STRONG.hash("not a real password, only for timing")


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _FAST
    return _STRONG


def hash_password(password: str) -> str:
    """The argon2id hash to store."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash (unknown account) it still spends the same time."""
    try:
        return _STRONG.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker settings than today's (rehash after a successful sign-in)."""
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """On the common list, ignoring case and trailing digits or symbols."""
    lowered = password.lower()
    core = _SUFFIX.sub("", lowered)
    common = _common_passwords()
    return lowered in common or (len(core) >= 4 and core in common)


def is_easy_to_guess(password: str, user_inputs: list[str]) -> bool:
    """zxcvbn estimates fewer than 10^8 guesses, taking the person's own name and email into account."""
    from zxcvbn import zxcvbn

    inputs = [value for value in user_inputs if value][:10]
    return zxcvbn(password[:_ZXCVBN_MAX], user_inputs=inputs)["guesses"] < _MIN_GUESSES


def password_problem(password: str, *, user_inputs: list[str] | None = None):
    """What is wrong with a new password, in the reader's language, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(count)d characters.", count=MAX_LENGTH)
    if any(unicodedata.category(c) == "Cc" for c in password):  # cannot be typed again in a password box
        return _l("Remove line breaks and other invisible characters.")
    if is_common(password):
        return _l("This password is on a list of common passwords. A few unrelated words together work well.")
    if is_easy_to_guess(password, user_inputs or []):
        return _l("This password would be easy to guess. A few unrelated words together work well.")
    return None
