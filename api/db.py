"""Database engine, sessions and migrations of the store.

SQLite runs in WAL mode with a busy timeout, so readers never wait for the one
writer; PostgreSQL goes through psycopg 3. An optional schema name confines the
store to one PostgreSQL schema (``search_path``), which the tests use to get a
fresh store per run. The schema is created by Alembic migrations shipped in
:mod:`synharness.api.migrations`, applied at start-up and by ``synharness db upgrade``.
"""

from __future__ import annotations

import re
import threading
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from synharness.api import sqlite_ext

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def is_sqlite(engine: Engine) -> bool:
    """Whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


#: Default size of the connection pool: the routes' worker threads (see settings).
DEFAULT_POOL_SIZE = 40
#: Default seconds to wait for a connection before giving up (503 in the store).
DEFAULT_POOL_TIMEOUT = 5.0


class StoreBusy(Exception):
    """No connection, or no SQLite writer slot, within the pool timeout."""


def make_engine(
    url: str,
    *,
    schema: str | None = None,
    pool_size: int = DEFAULT_POOL_SIZE,
    pool_timeout: float = DEFAULT_POOL_TIMEOUT,
) -> Engine:
    """Create the engine for ``url``.

    The pool holds ``pool_size`` connections, one per worker thread of the
    routes, and as many again in overflow: a session keeps its connection until
    FastAPI closes it, which may happen after the thread took the next request.
    A request that cannot get one within ``pool_timeout`` seconds fails fast
    (the store answers 503 with ``Retry-After``) instead of queueing for 30 s.

    Args:
        url: SQLAlchemy URL (``sqlite:///path`` or ``postgresql+psycopg://...``).
        schema: PostgreSQL schema to use as ``search_path`` (created if missing).
        pool_size: Connections kept open (the number of worker threads).
        pool_timeout: Seconds to wait for a connection or SQLite's writer slot.

    Raises:
        ValueError: ``schema`` is not a plain identifier.
    """
    kwargs: dict[str, Any] = {}
    memory = make_url(url).database in (None, "", ":memory:")
    if not memory:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_timeout=pool_timeout)
    if url.startswith("sqlite"):
        # Sessions move between the event loop and worker threads; another
        # process's writer is waited for as long as a connection would be.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": pool_timeout}
        module = sqlite_ext.dbapi_module()
        if module is not None:
            # An sqlite3 that can load sqlite-vec (the vector index).
            kwargs["module"] = module
    else:
        kwargs["pool_pre_ping"] = True
        if schema is not None:
            if not _SCHEMA_NAME.match(schema):
                raise ValueError(f"not a schema name: {schema!r}")
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    engine = create_engine(url, **kwargs)
    if is_sqlite(engine):
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=int(pool_timeout * 1000)))
        writers = _WriterQueue(timeout=pool_timeout)
        event.listen(engine, "begin", writers.begin)
        event.listen(engine, "commit", writers.end)
        event.listen(engine, "rollback", writers.end)
    elif schema is not None:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return engine


def _sqlite_pragmas(dbapi_conn: Any, record: Any, *, busy_ms: int) -> None:
    # Let SQLAlchemy, not the driver, emit BEGIN (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    record.info["vec"] = sqlite_ext.load_vec(dbapi_conn)
    cur = dbapi_conn.cursor()
    # WAL: readers do not block the writer (the benchmark's 760 vs 320 creates/s).
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={busy_ms}")
    cur.close()


class _WriterQueue:
    """Orders the write transactions of one process on SQLite.

    A deferred transaction that reads and then writes fails at once with
    SQLITE_BUSY when another writer committed in between (a WAL snapshot cannot
    be upgraded), so writers begin with ``BEGIN IMMEDIATE``. Writers of this
    process also queue on a lock first: SQLite's own busy handler polls with
    sleeps of up to 100 ms, which showed as a p99 of 230 ms for creates under
    8 concurrent clients; other processes still meet the busy timeout.
    """

    def __init__(self, *, timeout: float) -> None:
        self.lock = threading.Lock()
        self.timeout = timeout

    def begin(self, conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "BEGIN")
        if mode != "BEGIN":
            if not self.lock.acquire(timeout=self.timeout):
                raise StoreBusy(f"no SQLite writer slot within {self.timeout:g} s")
            conn.info["holds_writer_lock"] = True
        try:
            conn.exec_driver_sql(mode)
        except BaseException:
            self.end(conn)
            raise

    def end(self, conn: Any) -> None:
        if conn.info.pop("holds_writer_lock", False):
            self.lock.release()


def session_factory(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit.

    Args:
        engine: The store's engine.
        write: Sessions of write requests: on SQLite they begin with
            ``BEGIN IMMEDIATE`` so that concurrent writers queue instead of failing.
    """
    bind = engine.execution_options(sqlite_begin="BEGIN IMMEDIATE") if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that runs the shipped migrations on ``engine``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, *, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ping(engine: Engine) -> bool:
    """Whether the database answers ``SELECT 1``."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any driver error means "unreachable" to /health
        return False
    return True
