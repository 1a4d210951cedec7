"""Alembic environment: runs with the engine handed over by handoff.db."""

from alembic import context
from sqlalchemy import Engine

from handoff.schema import metadata

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through handoff.db.upgrade(engine) or `gongyou migrate`")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
