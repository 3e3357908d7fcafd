"""The companion store: a FastAPI service that keeps assets, their components and
their verification reports (SQLite by default, PostgreSQL by ``DATABASE_URL``).

Modules: :mod:`api.main` builds the app, :mod:`api.settings` reads the
environment, :mod:`api.db` / :mod:`api.tables` / :mod:`api.crud` hold the
database, :mod:`api.documents` validates bodies through the harness pipeline,
:mod:`api.routes` has one router per resource, :mod:`api.client` talks to a
running store (``synharness push`` / ``run --from``). See ``docs/api.md``.
"""

from __future__ import annotations

from api.main import create_app

__all__ = ["create_app"]
