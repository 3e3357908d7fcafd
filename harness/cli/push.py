"""``synharness push PATH... --to URL``: store documents in a running store.

Each file becomes one asset; the store validates it and refuses documents with
error findings (printed with their pointer and line:column). Exit code 0 when
every document was stored, 1 when the store refused some, 2 when it is
unreachable or refuses the client (token, schema version).
"""

from __future__ import annotations

import sys

import click


@click.command("push")
@click.argument("paths", nargs=-1, required=True)
@click.option("--to", "url", required=True, help="The store URL, e.g. http://127.0.0.1:8000.")
def command(paths: tuple[str, ...], url: str) -> None:
    """Push asset files (or directories of *.json) to the store at URL."""
    from api.client import push_documents
    from api.settings import load_settings
    from harness.errors import HarnessError
    from harness.loading import iter_sources, read_source

    token = load_settings().api_token
    documents: list[tuple[str, bytes]] = []
    refused = False
    try:
        for source in iter_sources(list(paths), stdin=sys.stdin.buffer):
            raw = read_source(source)
            if isinstance(raw, bytes):
                documents.append((source.name, raw))
            else:
                refused = True
                click.echo(f"{source.name}: {raw.code} {raw.message}", err=True)
        outcomes = push_documents(url, documents, token=token)
    except HarnessError as exc:
        click.echo(f"error: {exc.message}" + (f" ({exc.path})" if exc.path else ""), err=True)
        sys.exit(exc.exit_code)
    for outcome in outcomes:
        if outcome.stored:
            click.echo(f"{outcome.source}: stored at {outcome.location}")
            continue
        refused = True
        click.echo(f"{outcome.source}: refused ({outcome.status}) {outcome.message}", err=True)
        for f in outcome.findings:
            where = f"{f.get('line')}:{f.get('column')}" if f.get("line") else "-"
            click.echo(
                f"  {outcome.source}:{where} {f['code']} {f['pointer'] or '/'} {f['message']}",
                err=True,
            )
    sys.exit(1 if refused else 0)
