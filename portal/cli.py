"""App-wide operator commands: `flask --app portal db upgrade | demo load | clock | translate extract|update|compile`.
Features add theirs in their own init_app (accounts: `user create`, `staff grant|revoke`; registrations: `purge`)."""
from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.config import ROOT

db_cli = AppGroup("db", help="Database schema (Alembic).")
demo_cli = AppGroup("demo", help="Demonstration data.")
translate_cli = AppGroup("translate", help="Interface translations (wraps pybabel).")


def alembic_config():
    """Alembic's configuration, pointed at migrations/ and the app's DATABASE_URL."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = current_app.config["DATABASE_URL"]
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION."""
    from alembic import command

    command.downgrade(alembic_config(), revision)


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demonstration programme; running it again adds nothing twice."""
    from portal.demo import load_demo
    from portal.extensions import db

    try:
        report = load_demo(db.session)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for line in report:
        click.echo(line)


# Babel skips folders starting with "_" by default, which would miss templates/_macros/.
EXTRACT_ARGS = ("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
                "--ignore-dirs", ".* node_modules __pycache__")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def _extract() -> None:
    _pybabel(*EXTRACT_ARGS, "-o", "translations/messages.pot", ".")


@translate_cli.command("extract")
def translate_extract() -> None:
    """Collect interface strings into translations/messages.pot."""
    _extract()


@translate_cli.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into the French catalog."""
    _extract()
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching", "-w", "120",
             "--ignore-obsolete")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogs into .mo files (not committed)."""
    _pybabel("compile", "-d", "translations", "--statistics")


@click.command("clock")
@click.option("--once", is_flag=True, help="Run one tick and exit.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between ticks.")
def clock_command(once: bool, interval: float) -> None:
    """Every ~30 s: enqueue due notifications and run the periodic jobs (see portal/clock.py)."""
    import signal
    import threading

    import portal.clock as clock

    app = current_app._get_current_object()
    if once:
        for name, result in clock.tick(app).items():
            click.echo(f"{name}: {result}")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    click.echo(f"Clock running every {interval:g} s.")
    clock.run_forever(app, interval=interval, stop=stop)


def init_app(app: Flask) -> None:
    """Register the app-wide commands (features add their own in their init_app)."""
    for group in (db_cli, demo_cli, translate_cli, clock_command):
        app.cli.add_command(group)
