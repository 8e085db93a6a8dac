"""Extensions created once at module level and bound to the app in create_app().

Nothing here connects to the database or the broker at import or at start-up: engines are created lazily, so
pages that need neither (the crisis directory, health checks) keep working while both are down.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask, current_app, g, has_request_context, request
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from portal.i18n import PortalBabel

babel = PortalBabel()
csrf = CSRFProtect()
htmx = HTMX()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC on every backend (SQLite drops tzinfo; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: D102
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):  # noqa: D102
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return datetime.now(timezone.utc)


class DatabaseUnavailable(Exception):
    """The database did not answer earlier in this request; the error handlers answer 503 (portal/errors.py)."""


def make_engine(url: str, *, connect_timeout: int = 3, statement_timeout_ms: int = 15000) -> Engine:
    """Create (without connecting) the engine for a database URL, with our per-backend settings.

    On PostgreSQL a server that accepts connections but never answers cannot hold a request for long:
    `connect_timeout` bounds the whole connection start-up, `tcp_user_timeout` a pooled connection whose peer
    went silent, and `statement_timeout` a query the server is slow to finish.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    elif url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    connect_args = {"connect_timeout": connect_timeout, "tcp_user_timeout": connect_timeout * 1000,
                    "options": f"-c statement_timeout={statement_timeout_ms}"}
    # Waiting for a free connection of our own pool is queueing behind our own requests (a burst of registrations),
    # not a database that went silent: that wait keeps SQLAlchemy's 30 s, the timeouts above bound the database.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=30,
                         connect_args=connect_args)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE: SQLite then serialises writers instead of failing them late."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """The app's engine and one SQLModel session per app context (request, CLI command or worker message)."""

    def init_app(self, app: Flask) -> None:
        """Create the engine lazily and close the context's session on teardown."""
        app.extensions["portal_db"] = {
            "url": app.config["DATABASE_URL"], "engine": None,
            "connect_timeout": int(app.config.get("PORTAL_DB_CONNECT_TIMEOUT", 3)),
            "statement_timeout_ms": int(app.config.get("PORTAL_DB_STATEMENT_TIMEOUT_MS", 15000)),
        }
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        """The current app's engine, created on first use."""
        state = current_app.extensions["portal_db"]
        if state["engine"] is None:
            state["engine"] = make_engine(state["url"], connect_timeout=state["connect_timeout"],
                                          statement_timeout_ms=state["statement_timeout_ms"])
        return state["engine"]

    @property
    def session(self) -> Session:
        """The session of the current app context, opened on first use."""
        if g.get("database_unavailable") is not None:
            raise DatabaseUnavailable("the database did not answer earlier in this request")
        if "db_session" not in g:
            # A request that may write takes SQLite's write lock when its transaction starts, so it waits its
            # turn (busy_timeout) instead of failing with "database is locked" when it upgrades a stale read
            # snapshot while the worker writes. PostgreSQL ignores the option.
            writes = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
            bind = self.engine.execution_options(sqlite_immediate=True) if writes else self.engine
            g.db_session = Session(bind, expire_on_commit=False)
        return g.db_session

    @staticmethod
    def mark_unavailable(exc: BaseException) -> None:
        """The database failed in this request: later uses raise DatabaseUnavailable at once (one wait, not two)."""
        g.database_unavailable = exc

    def new_session(self, *, write: bool = False) -> Session:
        """A separate session; with write=True on SQLite its transaction starts with BEGIN IMMEDIATE."""
        bind = self.engine.execution_options(sqlite_immediate=True) if write else self.engine
        return Session(bind, expire_on_commit=False)

    @staticmethod
    def _close_session(_exc=None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    def dispose(self) -> None:
        """Close pooled connections (tests, forked workers)."""
        state = current_app.extensions["portal_db"]
        if state["engine"] is not None:
            state["engine"].dispose()
            state["engine"] = None


db = Database()


def init_app(app: Flask) -> None:
    """Bind every extension to the app (nothing connects to the database or the broker here)."""
    from portal.i18n import select_locale

    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
