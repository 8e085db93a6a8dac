"""`demo load` and `db upgrade` through the real CLI, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from portal import create_app
from portal.extensions import db as portal_db
from portal.i18n import EASTERN
from portal.sessions.models import FORMATS, SupportSession

EXPECTED_TABLES = {"support_session", "user_account", "registration", "notification", "alembic_version"}


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
