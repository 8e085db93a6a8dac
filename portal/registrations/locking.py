"""One writer at a time per session, as pretix does it: lock first, then count, then write, in one transaction.

PostgreSQL: `SELECT ... FOR UPDATE` on the support_session row makes every registration or cancellation for that
session wait for the one before it to commit; the counts it then reads are fresh (READ COMMITTED takes a new
snapshot per statement). The wait is bounded (`SET LOCAL lock_timeout`, PORTAL_LOCK_TIMEOUT_MS): a stuck lock
raises SessionBusy, which the views answer with "try again" (503), never a hung request.

SQLite has no row locks: the transaction must start with BEGIN IMMEDIATE (a POST request's `db.session`, or
`db.new_session(write=True)`), which takes the database's write lock up front, so writers queue (busy_timeout)
instead of failing late on a stale snapshot. A lock still held when the busy timeout runs out raises SessionBusy
too.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from portal.sessions.models import SupportSession

LOCK_ERRORS = ("55P03", "database is locked")  # PostgreSQL's lock_not_available; SQLite's busy time-out


class SessionBusy(Exception):
    """The session's lock could not be taken in time: the member should try again in a moment."""


def _check_write_transaction(db: Session) -> None:
    bind = db.get_bind()
    if bind.dialect.name == "sqlite" and not bind.get_execution_options().get("sqlite_immediate"):
        # A deferred SQLite transaction that read first fails under contention instead of waiting its turn.
        raise RuntimeError("lock_support_session needs a write transaction: a POST request's db.session, or "
                           "db.new_session(write=True)")


def _is_lock_error(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlstate", None)
    return code == LOCK_ERRORS[0] or LOCK_ERRORS[1] in str(exc.orig)


def lock_support_session(db: Session, session_id: int) -> SupportSession | None:
    """Load the session row under lock (FOR UPDATE on PostgreSQL; the IMMEDIATE transaction on SQLite), in the
    caller's write transaction; SessionBusy when the lock does not come in time."""
    _check_write_transaction(db)
    try:
        if db.get_bind().dialect.name == "postgresql":
            timeout = int(current_app.config["PORTAL_LOCK_TIMEOUT_MS"])
            db.exec(text(f"SET LOCAL lock_timeout = {timeout}"))
        statement = (select(SupportSession).where(SupportSession.id == session_id).with_for_update()
                     .execution_options(populate_existing=True))
        return db.exec(statement).first()
    except OperationalError as exc:
        if _is_lock_error(exc):
            raise SessionBusy(f"support session {session_id} is locked by another transaction") from exc
        raise
