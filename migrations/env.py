"""Alembic environment: the URL comes from the app (DATABASE_URL), the schema from portal.models."""
from __future__ import annotations

from alembic import context

from portal.extensions import make_engine
from portal.models import metadata

config = context.config


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from portal.config import Config

        url = Config().DATABASE_URL
    return url


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the database; batch mode lets SQLite alter tables."""
    engine = make_engine(_url(), statement_timeout_ms=0)  # a migration may run long; 0 = no limit
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
