"""The Wellness Connection portal: create_app() builds it from the environment.

Every feature package offers `init_app(app)`, which registers its blueprints, commands, emails, periodic jobs and
signal receivers; `create_app` calls them in one visible list (FEATURES), in dependency order. Nothing registers
itself by being imported.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from portal import accounts, assets, caching, cli, directory, early_answers, errors, extensions, health, i18n
from portal import notifications, pages, registrations
from portal import gratitude, offline, security, sessions, staff, surveys
from portal.config import ROOT, Config

# Each builds only on those before it (tests/test_architecture.py holds it to that): accounts on notifications;
# registrations on notifications, accounts and sessions; staff on all of those; gratitude on accounts, directory,
# notifications and staff; surveys on registrations, sessions, accounts, notifications and staff; pages on
# sessions. The app-wide pieces (extensions, i18n, security, errors, cli) come first and know no feature.
FEATURES = (notifications, accounts, directory, sessions, registrations, staff, gratitude, surveys, pages, offline,
            health)


def create_app(config: Any = None) -> Flask:
    """Build the app. `config` is a Config instance, or a dict of overrides on top of the environment."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=str(ROOT / "instance"), instance_relative_config=False)
    base = config if isinstance(config, Config) else Config()
    app.config.from_object(base)
    if isinstance(config, dict):
        app.config.update(config)
    if not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    for piece in (extensions, assets, caching, early_answers, i18n, security, errors, cli, *FEATURES):
        piece.init_app(app)
    return app
