"""The companion store: a FastAPI service that keeps assets, their components and
their verification reports (SQLite by default, PostgreSQL by ``DATABASE_URL``).

Modules: :mod:`synharness.api.main` builds the app, :mod:`synharness.api.settings` reads the
environment, :mod:`synharness.api.db` / :mod:`synharness.api.tables` / :mod:`synharness.api.crud` hold the
database, :mod:`synharness.api.documents` validates bodies through the harness pipeline,
:mod:`synharness.api.routes` has one router per resource, :mod:`synharness.api.client` talks to a
running store (``synharness push`` / ``run --from``). See ``docs/api.md``.
"""

from __future__ import annotations

from synharness.api.main import create_app

__all__ = ["create_app"]
