"""What the staff console does when other features tell it something happened."""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from portal.accounts.models import User
from portal.staff.models import StaffAction


def forget_deleted_actor(_app, *, db: Session, user: User) -> None:
    """A staff account is being deleted: its actions stay on record, without its name (SQLite does not enforce
    ON DELETE SET NULL unless foreign keys are on, so it is done here for both databases)."""
    db.exec(update(StaffAction).where(StaffAction.actor_id == user.id).values(actor_id=None))
