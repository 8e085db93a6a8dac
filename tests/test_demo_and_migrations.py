"""`demo load` and `db upgrade` through the real CLI, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from portal import create_app
from portal.extensions import db as portal_db
from portal.times import EASTERN
from portal.sessions.models import FORMATS, SupportSession

EXPECTED_TABLES = {"support_session", "user_account", "registration", "notification", "alembic_version",
                   "staff_action", "survey_invitation", "survey_response", "survey_round", "survey_opt_out",
                   "gratitude_post", "gratitude_appreciation", "gratitude_flag", "moderation_action"}


def _migrated_app(app_config, url):
    app_config.DATABASE_URL = url
    application = create_app(app_config)
    result = application.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return application


def _check_schema_and_demo(application):
    runner = application.test_cli_runner()
    with application.app_context():
        assert EXPECTED_TABLES <= set(inspect(portal_db.engine).get_table_names())
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "already there" in second.output
    with application.app_context():
        sessions = portal_db.session.exec(select(SupportSession)).all()
        return sessions


def test_migrations_and_demo_on_sqlite(app_config, tmp_path):
    application = _migrated_app(app_config, f"sqlite:///{tmp_path / 'migrated.db'}")
    sessions = _check_schema_and_demo(application)
    by_title = {s.title_en: s for s in sessions}
    assert len(sessions) == len(by_title) >= 12  # idempotent: no duplicates
    seeds = {"Imposter syndrome": "Dr. Daniela Isfan", "Are you and medicine on the rocks?": "Dr. Sharman Robertson",
             "Compassion Rounds: The art and science of happiness (part I)": "Dr. Daniela Isfan"}
    for title, moderator in seeds.items():
        session = by_title[title]
        assert session.moderator == moderator
        local = session.starts_at.astimezone(EASTERN)
        assert (local.hour, local.minute) == (19, 0)
    assert all(s.title_fr and s.description_fr for s in sessions)
    assert {s.format for s in sessions} == set(FORMATS)
    assert {"en", "fr", "bilingual"} <= {s.language for s in sessions}
    series = sorted((s.series_part, s) for s in sessions if s.series_key)
    assert [part for part, _ in series] == [1, 2]
    assert series[1][1].starts_at - series[0][1].starts_at == timedelta(days=7)


def test_downgrade_to_base_and_back(app_config, tmp_path):
    application = _migrated_app(app_config, f"sqlite:///{tmp_path / 'down.db'}")
    runner = application.test_cli_runner()
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    with application.app_context():
        assert set(inspect(portal_db.engine).get_table_names()) <= {"alembic_version"}
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


@pytest.mark.services
def test_migrations_and_demo_on_postgresql(app_config, postgres_url):
    application = _migrated_app(app_config, postgres_url)
    sessions = _check_schema_and_demo(application)
    assert len(sessions) >= 12
    with application.app_context():
        starts = portal_db.session.exec(select(SupportSession.starts_at)).first()
    assert starts.tzinfo is not None
    with application.app_context():
        portal_db.dispose()


def _schema_differences(application) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from portal.models import metadata

    with application.app_context(), portal_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_migrations_build_exactly_the_models_schema_on_sqlite(app_config, tmp_path):
    """The tests build the schema from the models (create_all); production from migrations. They must agree."""
    application = _migrated_app(app_config, f"sqlite:///{tmp_path / 'compare.db'}")
    assert _schema_differences(application) == []


@pytest.mark.services
def test_migrations_build_exactly_the_models_schema_on_postgresql(app_config, postgres_url):
    application = _migrated_app(app_config, postgres_url)
    try:
        assert _schema_differences(application) == []
    finally:
        with application.app_context():
            portal_db.dispose()


def test_migration_0004_turns_packed_topics_into_json_and_counts_confirmed_places(app_config, tmp_path):
    """Data written by 0003 (topics as ",a,b,", no place count) reads the same after 0004."""
    from sqlalchemy import text

    application = _migrated_app(app_config, f"sqlite:///{tmp_path / 'data.db'}")
    runner = application.test_cli_runner()
    assert runner.invoke(args=["db", "downgrade", "0003"]).exit_code == 0
    with application.app_context(), portal_db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO support_session (id, title_en, title_fr, description_en, description_fr, format, topics, "
            "language, moderator, starts_at, ends_at, capacity, zoom_url, status, ics_sequence, created_at, "
            "updated_at) VALUES (1, 't', '', 'd', '', 'peer_support', ',grief,burnout,', 'en', 'm', "
            "'2030-01-01 00:00:00', '2030-01-01 01:00:00', 30, '', 'scheduled', 0, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO user_account (id, email, password_hash, first_name, last_name, cma_id, category, province, "
            "locale, is_staff, auth_stamp, created_at, updated_at) VALUES "
            "(1, 'a@example.org', '-', 'A', 'B', '1111', 'resident', 'ON', 'en', 0, 's', '2026-01-01', '2026-01-01'),"
            "(2, 'b@example.org', '-', 'B', 'C', '2222', 'resident', 'ON', 'en', 0, 's', '2026-01-01', '2026-01-01')"))
        conn.execute(text(
            "INSERT INTO registration (session_id, user_id, status, revision, created_at, updated_at) VALUES "
            "(1, 1, 'confirmed', 0, '2026-01-01', '2026-01-01'), (1, 2, 'waitlisted', 0, '2026-01-01', '2026-01-01')"))
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with application.app_context():
        session = portal_db.session.get(SupportSession, 1)
        assert session.topics == ["grief", "burnout"] and session.places_taken == 1
    assert runner.invoke(args=["db", "downgrade", "0003"]).exit_code == 0
    with application.app_context(), portal_db.engine.connect() as conn:
        assert conn.execute(text("SELECT topics FROM support_session")).scalar() == ",grief,burnout,"
