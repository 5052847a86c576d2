"""Alembic environment: run on the connection that leadtui.model.migrate hands over (async engine, run_sync)."""

from __future__ import annotations

from alembic import context
from typing import cast

from sqlalchemy import Connection, create_engine

from leadtui.model.tables import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _configure_and_run(connection)
else:  # plain `alembic` command line during development: a sync URL in sqlalchemy.url
    engine = create_engine(cast(str, config.get_main_option("sqlalchemy.url")))
    with engine.connect() as sync_connection:
        _configure_and_run(sync_connection)
