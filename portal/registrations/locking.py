"""One writer at a time per session, as pretix does it: lock first, then count, then write, in one transaction.

PostgreSQL: `SELECT ... FOR UPDATE` on the support_session row makes every registration or cancellation for that
session wait for the one before it to commit; the counts it then reads are fresh (READ COMMITTED takes a new
snapshot per statement). SQLite has no row locks: the transaction starts with BEGIN IMMEDIATE
(`db.new_session(write=True)`), which takes the database's write lock up front, so writers queue (busy_timeout)
instead of failing late on a stale snapshot.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlmodel import Session, select

from portal.extensions import db as portal_db
from portal.sessions.models import SupportSession

SessionSource = Session | Callable[[], Session] | None


def serialised_session() -> Session:
    """A new database session whose transaction serialises writers (BEGIN IMMEDIATE on SQLite)."""
    return portal_db.new_session(write=True)


def _check_serialisable(db: Session) -> None:
    bind = db.get_bind()
    if bind.dialect.name == "sqlite" and not bind.get_execution_options().get("sqlite_immediate"):
        # A deferred SQLite transaction that read first fails under contention instead of waiting.
        raise ValueError("on SQLite, pass db.new_session(write=True) (or a factory) so writers are serialised")


@contextmanager
def write_transaction(source: SessionSource = None) -> Iterator[Session]:
    """The transaction a registration change runs in.

    Given a factory (or None: `serialised_session`), a new session is opened, committed on success, rolled back
    on error and closed. Given a Session, it is used as is and the caller commits.
    """
    if isinstance(source, Session):
        _check_serialisable(source)
        yield source
        return
    session = (source or serialised_session)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def lock_support_session(db: Session, session_id: int) -> SupportSession | None:
    """Load the session row under lock (FOR UPDATE on PostgreSQL; the IMMEDIATE transaction on SQLite)."""
    statement = (select(SupportSession).where(SupportSession.id == session_id).with_for_update()
                 .execution_options(populate_existing=True))
    return db.exec(statement).first()
