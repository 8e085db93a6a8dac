"""Hand notification ids to the broker after the transaction that wrote them commits, never before.

`notify()` remembers each new id (and its due time) in `session.info`; this module's `after_commit` listener sends
the ids that are due now to `worker.actors.deliver`. A rollback forgets them. If the broker cannot be reached the
ids stay in the outbox and the clock sends them on its next tick.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import utcnow
from portal.notifications.services import PENDING_DUE_KEY, PENDING_KEY

log = logging.getLogger(__name__)


def enqueue(notification_ids: Iterable[int]) -> int:
    """Send each id to the delivery actor; returns how many the broker took."""
    from worker.actors import deliver

    sent = 0
    for notification_id in notification_ids:
        try:
            deliver.send(notification_id)
            sent += 1
        except Exception:  # noqa: BLE001 - the row is safe in the outbox; the clock retries
            log.warning("Could not enqueue notification %s; the clock will", notification_id, exc_info=True)
    return sent


def _forget(session: Session) -> tuple[list[int], dict]:
    return session.info.pop(PENDING_KEY, []), session.info.pop(PENDING_DUE_KEY, {})


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    ids, due = _forget(session)
    if not ids:
        return
    now = utcnow()
    enqueue(i for i in dict.fromkeys(ids) if due.get(i) is None or due[i] <= now)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None and not previous_transaction.nested:
        _forget(session)
