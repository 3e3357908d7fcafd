"""The store's fingerprints when their dimension grows (issue 15, the render block).

A store made by an earlier version holds 349-value fingerprints; its first
vector fixed the space's dimension. Migration 0004 empties that space, so a
verification stores the new fingerprint; a database whose migrations did not
run still verifies (201) and stores nothing. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import warnings

import pytest
from sqlalchemy.orm import Session
from synharness.agents.fingerprint import DIMENSION, FEATURE_NAMES, fingerprint_of
from synharness.api import db, vector_index
from synharness.api.main import create_app
from synharness.api.tables import VectorSpaceRow

from tests.factories import make_asset

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

OLD_DIMENSION = 349


def _old_fingerprints(engine, keys=("901", "902")) -> None:
    """Fingerprints of assets an old store verified (ids no new asset of the test gets)."""
    with Session(engine) as session:
        for i, key in enumerate(keys):
            vector = [0.0] * OLD_DIMENSION
            vector[i] = 1.0
            vector_index.put(session=session, space="fingerprint", key=key, vector=vector)
        session.commit()


def _client(engine, settings, *, migrate: bool) -> TestClient:
    app = create_app(settings, engine=engine, migrate=migrate)
    return TestClient(
        app,
        raise_server_exceptions=False,
        base_url="http://127.0.0.1",
        headers={"Content-Type": "application/json"},
    )


def _verify(client: TestClient, doc: dict) -> int:
    created = client.post("/synesthetic-assets/", content=json.dumps(doc).encode())
    assert created.status_code == 201, created.text
    asset_id = created.json()["id"]
    verified = client.post(f"/synesthetic-assets/{asset_id}/verify")
    assert verified.status_code == 201, verified.text
    return int(asset_id)


def test_a_store_of_349_value_fingerprints_is_migrated_and_verifies(database, settings):
    url, schema = database
    engine = db.make_engine(url, schema=schema)
    try:
        db.upgrade(engine, revision="0003")
        _old_fingerprints(engine)
        # The app migrates at start-up (0004 empties the old space).
        with _client(engine, settings, migrate=True) as client:
            doc = make_asset(name="after the upgrade")
            asset_id = _verify(client, doc)
            renamed = _verify(client, make_asset(name="a renamed copy"))
            hits = client.get(f"/search/assets?like={asset_id}&k=5").json()
            assert [h["id"] for h in hits] == [renamed]
        with Session(engine) as session:
            space = session.get(VectorSpaceRow, "fingerprint")
            assert space is not None and space.dimension == DIMENSION
            stored = vector_index.unpack(
                vector_index.get(session=session, space="fingerprint", key=str(asset_id)).data
            )
            # the old assets' fingerprints are gone, not mixed in
            with pytest.raises(Exception, match="no fingerprint vector"):
                vector_index.get(session=session, space="fingerprint", key="901")
        # The store keeps the fingerprint without rendering: its render flags are 0.
        expected = fingerprint_of(doc, render=False)
        assert stored == pytest.approx(expected, abs=1e-6)
        flags = [FEATURE_NAMES.index(n) for n in FEATURE_NAMES if n.endswith(".rendered")]
        assert len(flags) == 2 and all(stored[i] == 0.0 for i in flags)
    finally:
        engine.dispose()


def test_an_unmigrated_space_of_another_dimension_does_not_fail_verify(engine, settings, caplog):
    # A database at head whose fingerprint space was made at 349 all the same
    # (say, by an older server sharing it): verify answers 201 and stores nothing.
    _old_fingerprints(engine, keys=("901",))
    with _client(engine, settings, migrate=False) as client, caplog.at_level(logging.WARNING):
        asset_id = _verify(client, make_asset(name="verified"))
    assert any("349 dimensions" in r.getMessage() for r in caplog.records), caplog.text
    with Session(engine) as session:
        space = session.get(VectorSpaceRow, "fingerprint")
        assert space is not None and space.dimension == OLD_DIMENSION
        with pytest.raises(Exception, match="no fingerprint vector"):
            vector_index.get(session=session, space="fingerprint", key=str(asset_id))
