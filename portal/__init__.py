"""The Wellness Connection portal: create_app() builds it from the environment."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from portal.config import ROOT, Config


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

    _init_extensions(app)
    _register_blueprints(app)

    from portal import cli, errors, registrations, security

    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    registrations.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portal import i18n
    from portal.extensions import babel, csrf, db, htmx, limiter, login_manager

    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    login_manager.init_app(app)
    from portal.accounts import login as _login  # noqa: F401  (registers the user loader)
    from portal.notifications import dispatch as _dispatch  # noqa: F401  (enqueues notifications after commit)
    from worker import broker

    broker.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts import bp as accounts_bp
    from portal.directory import bp as directory_bp
    from portal.health import bp as health_bp
    from portal.notifications.staff import bp as notifications_staff_bp
    from portal.pages import bp as pages_bp
    from portal.sessions import bp as sessions_bp

    for blueprint in (health_bp, pages_bp, sessions_bp, directory_bp, accounts_bp, notifications_staff_bp):
        app.register_blueprint(blueprint)
