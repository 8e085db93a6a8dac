"""The programme's privacy promises that no single feature owns, each checked against the real database and pages
(docs/privacy.md lists every promise beside the test that proves it)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect

from portal.extensions import db as portal_db
from tests.registrations.registration_helpers import register
from tests.surveys.survey_helpers import invite, session_taken_by
from tests.when import in_days

ATTENDANCE_WORDS = re.compile(r"attend|joined|present|check_?in|no_?show|participat", re.I)


def test_no_table_or_column_records_attendance(app):
    with app.app_context():
        schema = inspect(portal_db.engine)
        names = [(table, column["name"]) for table in schema.get_table_names()
                 for column in schema.get_columns(table)]
    assert len(names) > 40  # the whole schema was read
    assert not [name for name in names if ATTENDANCE_WORDS.search(f"{name[0]}.{name[1]}")]


def test_once_retention_has_passed_nothing_says_who_was_registered(app, db, make_session, make_user):
    """After the purge, no row of any table holds the member's id, email or name together with the session."""
    from datetime import timedelta

    from portal.registrations.retention import purge_registrations

    member = make_user(first_name="Rosalind", email="rosalind@example.org")
    session = session_taken_by(db, make_session, [member], ended_days_ago=0.5)
    invite(db)  # a survey invitation was queued too
    purge_registrations(db, now=session.ends_at + timedelta(days=31), retention_days=30)
    db.commit()
    with app.app_context():
        engine = portal_db.engine
        from sqlalchemy import MetaData, select

        metadata = MetaData()
        metadata.reflect(bind=engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                if table.name == "user_account":
                    continue
                for row in connection.execute(select(table)).mappings():
                    values = {str(v) for v in row.values()}
                    names_member = {member.email, member.first_name} & values or (
                        "user_id" in row and row["user_id"] == member.id)
                    assert not names_member, (table.name, dict(row))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_staff_pages_never_show_who_is_coming(client, db, make_session, make_user, login, lang):
    session = make_session(starts_at=in_days(4), title_en="Small circle", title_fr="Petit cercle")
    coming = make_user(first_name="Ophelia", last_name="Comingsoon", email="ophelia@example.org")
    register(session_id=session.id, user=coming)
    login(make_user(is_staff=True))
    for path in ("/staff", "/staff/sessions", f"/staff/sessions/{session.id}/edit",
                 f"/staff/sessions/{session.id}/preview", "/staff/log", "/staff/surveys", "/staff/surveys.csv"):
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert not {"Ophelia", "Comingsoon", "ophelia@example.org"} & set(re.findall(r"[\w@.]+", text)), path
