"""The unlinkability test. Members A and B are both invited; A answers, signed in. Then every table and column of
the database is read: no row the answer wrote names A or points to a row naming A, no time finer than the day is
written, and nothing in the database tells whether A or B answered. On SQLite and on PostgreSQL."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import MetaData, inspect, select

import portal.config as portal_config
from portal.extensions import db as portal_db
from tests.surveys.survey_helpers import answer, deliver_invitations, invite, links_by_recipient, session_taken_by

PERSON_TABLES = {"user_account", "registration", "notification", "calendar_feed", "survey_opt_out", "staff_action"}
TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def app_config(request, tmp_path):
    """The suite's app, on SQLite or on a fresh PostgreSQL database."""
    config = portal_config.TestConfig(tmp_path)
    if request.param == "postgresql":
        config.DATABASE_URL = request.getfixturevalue("postgres_url")
    return config


def snapshot(app) -> tuple[dict[str, dict[tuple, dict]], MetaData]:
    """Every row of every table actually in the database, by primary key (reflected, not from our models)."""
    with app.app_context():
        engine = portal_db.engine
        metadata = MetaData()
        metadata.reflect(bind=engine)
        tables = {}
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                key = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
                rows = connection.execute(select(table)).mappings().all()
                tables[table.name] = {tuple(row[k] for k in key): dict(row) for row in rows}
    return tables, metadata


def written(before, after) -> dict[str, list[dict]]:
    """Rows added or changed between two snapshots, by table (and rows deleted, as a failure)."""
    changes = {}
    for name, rows in after.items():
        old = before.get(name, {})
        assert set(old) <= set(rows), f"the answer deleted rows of {name}"
        new = [row for key, row in rows.items() if old.get(key) != row]
        if new:
            changes[name] = new
    return changes


def strings_in(tables, names) -> list[str]:
    """Every text value of those tables, as text."""
    return [str(value) for name in names for row in tables[name].values() for value in row.values()
            if isinstance(value, str)]


def test_nothing_in_the_database_ties_an_answer_to_the_member(app, db, client, login, make_session, make_user):
    a = make_user(first_name="Aurelie", last_name="Answering", email="aurelie@example.org", cma_id="777111")
    b = make_user(first_name="Bertrand", last_name="Silent", email="bertrand@example.org", cma_id="777222")
    session = session_taken_by(db, make_session, [a, b])
    assert invite(db) == 2
    links = links_by_recipient(deliver_invitations(db, app))
    tokens = {links[a.email].rsplit("/", 1)[1], links[b.email].rsplit("/", 1)[1]}
    login(a)  # signing in writes a sign-in row: before the snapshot, as it is not part of answering
    before, _ = snapshot(app)

    response = answer(client, links[a.email], supported="4", facilitation="5", come_again="5", recommend="4",
                      comment="It helped to hear I am not alone.")
    assert response.status_code == 303
    after, metadata = snapshot(app)
    changes = written(before, after)

    # Only the survey's anonymous tables changed: one invitation marked used, one response added.
    assert set(changes) == {"survey_invitation", "survey_response"}
    assert len(changes["survey_response"]) == 1 and len(changes["survey_invitation"]) == 1
    (invitation,) = changes["survey_invitation"]
    (row,) = changes["survey_response"]
    assert invitation["used"] in (True, 1)

    # No row written names A, or points (foreign keys, followed all the way) to a row that names anyone.
    a_names = {a.email, a.first_name, a.last_name, a.cma_id}
    for name, rows in changes.items():
        for written_row in rows:
            for value in written_row.values():
                assert not (isinstance(value, str) and any(n in value for n in a_names)), (name, value)
        targets = {key["referred_table"] for key in inspect_keys(app, name)}
        assert targets == {"support_session"}, (name, targets)
    assert not inspect_keys(app, "support_session"), "a session row points to no one"
    assert set(row) == {"id", "session_id", "supported", "facilitation", "come_again", "recommend", "comment",
                        "submitted_on"}
    assert row["session_id"] == session.id

    # No time finer than the day: every written value is a day, a number, a flag or text without a clock time.
    for name, rows in changes.items():
        for column in metadata.tables[name].columns:
            assert "TIME" not in str(column.type).upper(), (name, column.name, column.type)
        for written_row in rows:
            for value in written_row.values():
                assert not isinstance(value, datetime), (name, value)
                assert not (isinstance(value, str) and TIME_OF_DAY.search(value)), (name, value)
    assert isinstance(row["submitted_on"], date) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(row["submitted_on"]))

    # From the database alone, A and B cannot be told apart:
    # - no copy of either token is left anywhere (the outbox forgot them on delivery);
    everything = strings_in(after, after)
    assert not [text for text in everything if any(token in text for token in tokens)]
    # - the invitation ids and hashes, and the response's id and comment, appear in no other row;
    anonymous = {str(invitation["id"]), invitation["token_hash"], str(row["id"]), row["comment"]}
    for name in set(after) - {"survey_invitation", "survey_response"}:
        for other in after[name].values():
            assert not {str(value) for value in other.values()} & anonymous, name
    # - the rows naming A and B are alike but for who they name and when their emails left.
    assert _about(after, "notification", a) == _about(after, "notification", b)
    assert _about(after, "registration", a) == _about(after, "registration", b)
    # - and both invitations of the session hold the same columns, which differ only by the used flag, the
    #   random id and the hash: nothing orders or dates them.
    pair = [r for r in after["survey_invitation"].values() if r["session_id"] == session.id]
    assert len(pair) == 2 and pair[0]["expires_on"] == pair[1]["expires_on"]
    assert set(PERSON_TABLES) <= set(after)


PERSONAL = {"id", "user_id", "recipient_email", "dedupe_key", "registration_id", "created_at", "updated_at",
            "due_at", "sent_at", "claimed_until"}


def _about(tables, name, member) -> list[dict]:
    rows = [r for r in tables[name].values() if r.get("user_id") == member.id]
    return sorted(({k: v for k, v in r.items() if k not in PERSONAL} for r in rows), key=repr)


def inspect_keys(app, table: str) -> list[dict]:
    """The table's foreign keys, as the database reports them."""
    with app.app_context():
        return inspect(portal_db.engine).get_foreign_keys(table)
