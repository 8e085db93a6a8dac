"""Hand notification ids to the broker after the transaction that wrote them commits, never before.

`notify()` remembers each new id (and its due time) in `session.info`; the `after_commit` listener that
`init_app` installs sends the ids that are due now to the delivery actor. A rollback forgets them. If the broker
cannot be reached the ids stay in the outbox and the clock sends them on its next tick.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import utcnow
from portal.notifications.services import PENDING_DUE_KEY, PENDING_KEY
from portal.notifications.tasks import deliver

log = logging.getLogger(__name__)


def enqueue(notification_ids: Iterable[int]) -> int:
    """Send each id to the delivery actor; returns how many the broker took."""
    sent = 0
    for notification_id in notification_ids:
        try:
            deliver.send(notification_id)
            sent += 1
        except Exception as exc:  # noqa: BLE001 - the row is safe in the outbox; the clock retries
            log.warning("Could not enqueue notification %s (%s: %s). It stays in the outbox, and the clock sends "
                        "it on its next tick.", notification_id, type(exc).__name__, exc)
    return sent


def _forget(session: Session) -> tuple[list[int], dict]:
    return session.info.pop(PENDING_KEY, []), session.info.pop(PENDING_DUE_KEY, {})


def _dispatch_after_commit(session: Session) -> None:
    # SQLAlchemy also calls after_commit when a SAVEPOINT is released (a caller's `begin_nested()`, as in account
    # sign-up, around or after notify()): that is no commit, and the rows are invisible to the worker until the
    # outer transaction commits.
    if session.in_nested_transaction():
        return
    ids, due = _forget(session)
    if not ids:
        return
    now = utcnow()
    enqueue(i for i in dict.fromkeys(ids) if due.get(i) is None or due[i] <= now)


def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None and not previous_transaction.nested:
        _forget(session)


def install() -> None:
    """Listen to every database session's commits and rollbacks (once per process: the listeners are global)."""
    for name, listener in (("after_commit", _dispatch_after_commit),
                           ("after_soft_rollback", _forget_after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
