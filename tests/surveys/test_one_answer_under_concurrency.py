"""Two answers posted with the same link at the same moment: one is kept, the other sees the link used. On SQLite
(BEGIN IMMEDIATE) and PostgreSQL (the invitation row locked FOR UPDATE)."""
from __future__ import annotations

import secrets
import threading
from datetime import timedelta

import pytest
from sqlmodel import func, select

import portal.config as portal_config
from portal.extensions import db as portal_db
from portal.extensions import utcnow
from portal.surveys.answers import submit
from portal.surveys.invitations import eastern_day, hash_token
from portal.surveys.models import SurveyInvitation, SurveyResponse
from tests.when import in_days


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def app_config(request, tmp_path):
    """The suite's app, on a SQLite file or a fresh PostgreSQL database."""
    config = portal_config.TestConfig(tmp_path)
    if request.param == "postgresql":
        config.DATABASE_URL = request.getfixturevalue("postgres_url")
    return config


def test_the_second_of_two_simultaneous_answers_finds_the_link_used(app, db, make_session):
    session = make_session(starts_at=in_days(-1))
    token = secrets.token_urlsafe(32)
    today = eastern_day(utcnow())
    db.add(SurveyInvitation(token_hash=hash_token(token), session_id=session.id, expires_on=today + timedelta(days=3)))
    db.commit()
    outcomes = {}

    def second():
        with app.app_context(), portal_db.new_session(write=True) as tx:
            outcomes["second"] = submit(tx, token, answers={"supported": 1}, comment="", today=today).state
            tx.commit()

    with portal_db.new_session(write=True) as first:
        outcomes["first"] = submit(first, token, answers={"supported": 5}, comment="", today=today).state
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the second answer waits for the first transaction"
        first.commit()
    thread.join(timeout=10)
    assert outcomes == {"first": "open", "second": "used"}
    db.rollback()
    assert db.exec(select(func.count()).select_from(SurveyResponse)).one() == 1
    assert db.exec(select(SurveyResponse.supported)).one() == 5
