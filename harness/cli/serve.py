"""``synharness serve``: run the companion store with uvicorn.

The store refuses to bind a non-loopback address unless an API token is set
(``SYNHARNESS_API_TOKEN``), since every write would be open to the network.
"""

from __future__ import annotations

import click
from synharness.cli.options import need_extra

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--database-url",
    default=None,
    help="SQLAlchemy URL (default: DATABASE_URL, else sqlite:///./synharness.db).",
)
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Accept this Host name besides the loopback ones when no token is set (repeatable; "
    "env SYNHARNESS_ALLOWED_HOSTS).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages of this origin (https://app.example) call the store (repeatable; "
    "env SYNHARNESS_CORS_ORIGINS; default none).",
)
@click.option(
    "--require-if-match",
    is_flag=True,
    default=None,
    help="Refuse PUT, PATCH and DELETE without If-Match: 428 (env SYNHARNESS_REQUIRE_IF_MATCH).",
)
def command(
    host: str,
    port: int,
    database_url: str | None,
    log_level: str,
    allowed_hosts: tuple[str, ...],
    cors_origins: tuple[str, ...],
    require_if_match: bool | None,
) -> None:
    """Run the store (migrations are applied at start-up; OpenAPI docs at /docs)."""
    need_extra("store", what="synharness serve")
    import uvicorn
    from synharness.api.main import InsecureBindError, check_bind, create_app
    from synharness.api.settings import load_settings

    settings = load_settings(
        database_url=database_url,
        allowed_hosts=allowed_hosts or None,
        cors_origins=cors_origins or None,
        require_if_match=require_if_match,
    )
    try:
        check_bind(host, settings)
    except InsecureBindError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        app = create_app(settings)
    except Exception as exc:  # an unreachable or broken database: say so, no traceback
        raise click.ClickException(f"cannot open the database: {exc}") from None
    click.echo(f"synharness store on http://{host}:{port} (docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=log_level == "debug")
