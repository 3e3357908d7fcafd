"""Migrations up and down on both backends: 0002 (vectors, vector spaces, shader libraries),
0004 (the fingerprint space emptied when fingerprints grew)."""

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
        db.upgrade(engine, revision="0003")
        # 0003 (idempotency keys, issue 9) follows 0002.
        assert db.current_revision(engine) == "0003"
        assert "idempotency_keys" in set(inspect(engine).get_table_names())
        command.downgrade(db.alembic_config(engine), "0002")
        assert "idempotency_keys" not in set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _fill_old_fingerprints(engine, dimension: int = 349) -> None:
    """An old store's fingerprint space (349 values) and another space beside it."""
    from sqlalchemy.orm import Session
    from synharness.api import vector_index

    with Session(engine) as session:
        for key in ("1", "2"):
            vector = [0.0] * dimension
            vector[int(key)] = 1.0
            vector_index.put(session=session, space="fingerprint", key=key, vector=vector)
        vector_index.put(session=session, space="asset", key="1", vector=[1.0, 0.5])
        session.commit()


def test_0004_empties_an_old_fingerprint_space_and_keeps_the_others(database):
    from sqlalchemy.orm import Session
    from synharness.api import vector_index
    from synharness.api.tables import VectorSpaceRow

    url, schema = database
    engine = db.make_engine(url, schema=schema)
    try:
        db.upgrade(engine, revision="0003")
        _fill_old_fingerprints(engine)
        assert "vec_fingerprint" in _tables(engine)
        db.upgrade(engine)
        assert db.current_revision(engine) == "0004"
        assert "vec_fingerprint" not in _tables(engine)
        with Session(engine) as session:
            assert session.get(VectorSpaceRow, "fingerprint") is None
            assert vector_index.get(session=session, space="asset", key="1").space == "asset"
            hits = vector_index.search(session=session, space="asset", vector=[1.0, 0.5], k=1)
            assert [h.key for h in hits] == ["1"]
            # the space is made again at the new dimension by its next vector
            vector_index.put(session=session, space="fingerprint", key="1", vector=[1.0] * 384)
            session.commit()
        command.downgrade(db.alembic_config(engine), "0003")
        assert "vec_fingerprint" not in _tables(engine)
        with Session(engine) as session:
            assert session.get(VectorSpaceRow, "fingerprint") is None
            assert session.get(VectorSpaceRow, "asset") is not None
    finally:
        engine.dispose()


def _tables(engine) -> set[str]:
    from sqlalchemy import text

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        else:
            rows = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
        return {str(r[0]) for r in rows}
