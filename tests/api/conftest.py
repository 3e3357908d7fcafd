"""Fixtures of the store tests: a fresh store per test on SQLite and on PostgreSQL.

``engine`` is parametrised over both backends. SQLite gets a new file per test;
PostgreSQL a new schema (``t_<random>``) that is dropped afterwards, so tests
never share rows. When PostgreSQL (or Redis) is unreachable, its tests skip
with the reason, or fail when ``CI=true``.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from synharness.api import db
from synharness.api.main import create_app
from synharness.api.settings import Settings

from tests.api.helpers import free_port, postgres_url, unavailable

with warnings.catch_warnings():
    # Starlette nags about its httpx backend at import; the client works as before.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of the test."""
    return str(request.param)


@pytest.fixture
def database(backend: str, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """``(url, schema)`` of a fresh, empty database; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}", None
        return
    url = postgres_url()
    if isinstance(url, tuple):
        unavailable("PostgreSQL", url[1])
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield url, schema
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def engine(database: tuple[str, str | None]) -> Iterator[Engine]:
    """A migrated engine on a fresh database."""
    url, schema = database
    eng = db.make_engine(url, schema=schema)
    db.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database: tuple[str, str | None]) -> Settings:
    """Settings of the test store (no token, no cache)."""
    url, schema = database
    return Settings(database_url=url, database_schema=schema, api_token=None, redis_url=None)


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(engine: Engine, settings: Settings) -> Iterator[MakeClient]:
    """Factory: a TestClient on the test database, with settings overridden."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        app = create_app(settings.model_copy(update=overrides), engine=engine, migrate=False)
        # A loopback Host (the store refuses others without a token) and JSON
        # bodies by default (it refuses others with 415), as real clients send.
        client = TestClient(
            app,
            raise_server_exceptions=False,
            base_url="http://127.0.0.1",
            headers={"Content-Type": "application/json"},
        )
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    """A client of an open store (no token)."""
    return make_client()


@pytest.fixture
def live_url(engine: Engine, settings: Settings) -> Iterator[str]:
    """The URL of the test store served by uvicorn in a background thread."""
    import threading
    import time

    import uvicorn

    app = create_app(settings, engine=engine, migrate=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the in-process server did not start")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
