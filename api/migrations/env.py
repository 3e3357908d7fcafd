"""Alembic environment: runs migrations on the engine passed in by :mod:`synharness.api.db`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine
from synharness.api.tables import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only reached by misuse of alembic CLI
    raise RuntimeError("run migrations through `synharness db upgrade` (api.db.upgrade)")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
