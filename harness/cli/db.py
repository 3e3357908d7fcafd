"""``synharness db upgrade``: apply the store's migrations (also done at start-up)."""

from __future__ import annotations

import click
from synharness.cli.options import need_extra


@click.group("db")
def command() -> None:
    """Manage the store's database."""


@command.command("upgrade")
@click.option("--database-url", default=None, help="SQLAlchemy URL (default: DATABASE_URL).")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade(database_url: str | None, revision: str) -> None:
    """Apply the migrations up to REVISION."""
    need_extra("store", what="synharness db")
    from synharness.api import db
    from synharness.api.settings import load_settings

    settings = load_settings(database_url=database_url)
    try:
        engine = db.make_engine(settings.database_url, schema=settings.database_schema)
        db.upgrade(engine, revision=revision)
        current = db.current_revision(engine)
    except Exception as exc:  # driver or migration error: one line, no traceback
        raise click.ClickException(f"cannot upgrade {settings.database_url}: {exc}") from None
    click.echo(f"database at revision {current}")
