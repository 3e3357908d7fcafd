"""SQLite with the sqlite-vec extension loaded on every connection.

The vector index (:mod:`synharness.api.vector_index`) keeps one ``vec0`` virtual
table per vector space; every connection of the pool must have the extension
loaded to touch them. Many Python builds (pyenv's default among them) compile
the stdlib ``sqlite3`` without extension loading; then ``pysqlite3`` (the
``pysqlite3-binary`` wheel of the ``store`` extra, the same DB-API module with
its own SQLite) is used instead. Without either, the store runs and the vector
routes answer 503.
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
from types import ModuleType
from typing import Any

log = logging.getLogger("synharness.api")


def _can_load(module: Any) -> bool:
    try:
        conn = module.connect(":memory:")
    except Exception:  # an unusable driver build is "cannot"
        return False
    try:
        return hasattr(conn, "enable_load_extension")
    finally:
        conn.close()


def dbapi_module() -> ModuleType | None:
    """The DB-API module to use for SQLite when the stdlib's cannot load extensions.

    Returns:
        ``pysqlite3.dbapi2`` when the stdlib cannot and it is installed; None
        when the stdlib can (or nothing better is installed).
    """
    if _can_load(sqlite3):
        return None
    try:
        module = importlib.import_module("pysqlite3.dbapi2")
    except ImportError:
        return None
    return module if _can_load(module) else None


def load_vec(dbapi_conn: Any) -> bool:
    """Load sqlite-vec into a new connection; False (logged once per connection) when it cannot."""
    try:
        import sqlite_vec

        dbapi_conn.enable_load_extension(True)
        try:
            sqlite_vec.load(dbapi_conn)
        finally:
            dbapi_conn.enable_load_extension(False)
    except (ImportError, AttributeError, sqlite3.Error, Exception) as exc:
        log.warning("sqlite-vec is unavailable, vector search is off: %s", exc)
        return False
    return True
