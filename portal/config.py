"""Configuration read from the environment (12-factor), with a test variant."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("PORTAL_INSTANCE_DIR", ROOT / "instance"))


def _dev_secret_key(instance: Path) -> str:
    """Generate the development secret once and keep it in instance/, so restarts keep sessions."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    """Settings for a running portal; every value can be overridden by the environment."""

    def __init__(self) -> None:
        env = os.environ
        self.INSTANCE_DIR = str(INSTANCE)
        self.SECRET_KEY = env.get("SECRET_KEY") or _dev_secret_key(INSTANCE)
        self.DATABASE_URL = env.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'portal.db'}")
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.SMTP_URL = env.get("SMTP_URL") or None
        self.MAIL_FROM = env.get("MAIL_FROM", "Wellness Connection <wellness@localhost>")
        self.PORTAL_BASE_URL = env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        # The domain in calendar UIDs. Fixed, not PORTAL_BASE_URL's host, so moving the site to a new address never
        # duplicates events in calendars; empty means MAIL_FROM's domain.
        self.PORTAL_CALENDAR_UID_DOMAIN = env.get("PORTAL_CALENDAR_UID_DOMAIN", "")
        self.PORTAL_OUTBOX_DIR = env.get("PORTAL_OUTBOX_DIR", str(INSTANCE / "outbox"))
        self.PORTAL_RETENTION_DAYS = int(env.get("PORTAL_RETENTION_DAYS", "30"))
        self.PORTAL_ENV = env.get("PORTAL_ENV", "development")
        # Reverse proxies in front of the app whose X-Forwarded-* headers we believe (see portal/security.py).
        self.PORTAL_TRUSTED_PROXIES = int(env.get("PORTAL_TRUSTED_PROXIES", "0"))
        # Embedded worker threads run inside the web process when no Redis is configured.
        self.PORTAL_EMBEDDED_WORKER = env.get("PORTAL_EMBEDDED_WORKER", "1") == "1"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.PORTAL_ENV != "development"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.WTF_CSRF_TIME_LIMIT = None  # tied to the session; a form left open overnight still submits
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
        self.BABEL_DEFAULT_LOCALE = "en_CA"
        self.BABEL_DEFAULT_TIMEZONE = "America/Toronto"
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis down must not take sign-in down: fall back to per-process memory limits meanwhile.
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_KEY_PREFIX = "portal-limits"
        # How long a worker holds an outbox row it is sending (longer than the actor's 90 s time limit).
        self.PORTAL_DELIVERY_LEASE_SECONDS = int(env.get("PORTAL_DELIVERY_LEASE_SECONDS", "120"))
        # Retry backoff of a failed email: doubles from the minimum up to the maximum (put on each message).
        self.PORTAL_DELIVERY_MIN_BACKOFF_MS = int(env.get("PORTAL_DELIVERY_MIN_BACKOFF_MS", "15000"))
        self.PORTAL_DELIVERY_MAX_BACKOFF_MS = int(env.get("PORTAL_DELIVERY_MAX_BACKOFF_MS", str(60 * 60 * 1000)))
        # How long after it was due an email is still retried before it is marked failed for staff (an MTA's queue).
        self.PORTAL_DELIVERY_MAX_AGE_HOURS = float(env.get("PORTAL_DELIVERY_MAX_AGE_HOURS", "48"))
        # How long a request waits for a session's row lock on PostgreSQL before answering "try again" (503). Each
        # holder keeps it for milliseconds, so a burst's queue drains well within it; only a stuck lock reaches it.
        self.PORTAL_LOCK_TIMEOUT_MS = int(env.get("PORTAL_LOCK_TIMEOUT_MS", "10000"))
        # A database that does not answer must not hold a request: seconds to connect, milliseconds per statement.
        self.PORTAL_DB_CONNECT_TIMEOUT = int(env.get("PORTAL_DB_CONNECT_TIMEOUT", "3"))
        self.PORTAL_DB_STATEMENT_TIMEOUT_MS = int(env.get("PORTAL_DB_STATEMENT_TIMEOUT_MS", "15000"))
        # The largest request body accepted (every form is text; nothing is uploaded): 413 past it.
        self.MAX_CONTENT_LENGTH = 256 * 1024
        self.MAX_FORM_MEMORY_SIZE = 256 * 1024
        self.PASSWORD_HASH_FAST = False
        self.SESSIONS_PER_PAGE = 20


class TestConfig(Config):
    """Settings for the test suite: a throwaway database and outbox, no embedded worker threads."""

    TESTING = True

    def __init__(self, tmp_path: Path | None = None) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key"
        base = Path(tmp_path) if tmp_path else INSTANCE / "test"
        self.DATABASE_URL = f"sqlite:///{base / 'portal.db'}"
        self.PORTAL_OUTBOX_DIR = str(base / "outbox")
        self.REDIS_URL = None
        self.SMTP_URL = None
        self.PORTAL_EMBEDDED_WORKER = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.PASSWORD_HASH_FAST = True  # argon2 with tiny costs: the suite hashes hundreds of passwords
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_SECURE = False
