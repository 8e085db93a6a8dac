"""Fixtures for the directory tests."""
from __future__ import annotations

import pytest
import yaml
from sqlmodel import SQLModel

from directory_entries import required_entries
from portal import create_app
from portal.extensions import db as portal_db


@pytest.fixture
def directory_app(app_config, tmp_path):
    """Factory: an app over a directory file holding the required entries plus `entries`."""
    apps = []

    def _make(*entries: dict):
        path = tmp_path / "directory.yaml"
        path.write_text(yaml.safe_dump([*required_entries(), *entries], allow_unicode=True), encoding="utf-8")
        app_config.DIRECTORY_FILE = str(path)
        application = create_app(app_config)
        with application.app_context():
            SQLModel.metadata.create_all(portal_db.engine)
        apps.append(application)
        return application

    yield _make
    for application in apps:
        with application.app_context():
            portal_db.dispose()
