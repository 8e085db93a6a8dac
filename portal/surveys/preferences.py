"""A member's choice about survey emails, on the account page (a part it adds through `account_page`)."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlalchemy import delete
from sqlmodel import Session

from portal.accounts.models import User
from portal.extensions import db
from portal.surveys.models import SurveyOptOut


def wants_surveys(db_session: Session, user_id: int) -> bool:
    """Whether this member still accepts survey emails (the default)."""
    return db_session.get(SurveyOptOut, user_id) is None


def set_wanted(db_session: Session, user: User, *, wanted: bool) -> None:
    """Turn survey emails on or off for this member. The caller commits."""
    if wanted:
        db_session.exec(delete(SurveyOptOut).where(SurveyOptOut.user_id == user.id))
    elif wants_surveys(db_session, user.id):
        db_session.add(SurveyOptOut(user_id=user.id))


def account_part(_app, *, user: User) -> Markup:
    """The `account_page` receiver: the survey-emails choice, as a real form."""
    return Markup(render_template("surveys/_account_part.html", wanted=wants_surveys(db.session, user.id)))


def forget_deleted_member(_app, *, db: Session, user: User) -> None:
    """The `account_deleting` receiver: the opt-out goes with the account."""
    db.exec(delete(SurveyOptOut).where(SurveyOptOut.user_id == user.id))

