"""Migration 0002 (vectors, vector spaces, shader libraries) up and down, on both backends."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect
from synharness.api import db

NEW_TABLES = {"vector_spaces", "vectors", "shader_libs"}


def test_0002_upgrades_and_downgrades(database):
    url, schema = database
    engine = db.make_engine(url, schema=schema)
    try:
        db.upgrade(engine, revision="0001")
        assert db.current_revision(engine) == "0001"
        assert not NEW_TABLES & set(inspect(engine).get_table_names())
        db.upgrade(engine, revision="0002")
        assert db.current_revision(engine) == "0002"
        assert set(inspect(engine).get_table_names()) >= NEW_TABLES
        columns = {c["name"] for c in inspect(engine).get_columns("vectors")}
        assert columns == {"id", "space", "key", "data", "created_at", "updated_at"}
        command.downgrade(db.alembic_config(engine), "0001")
        assert not NEW_TABLES & set(inspect(engine).get_table_names())
        db.upgrade(engine)
        # 0003 (idempotency keys, issue 9) follows 0002.
        assert db.current_revision(engine) == "0003"
        assert "idempotency_keys" in set(inspect(engine).get_table_names())
        command.downgrade(db.alembic_config(engine), "0002")
        assert "idempotency_keys" not in set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
