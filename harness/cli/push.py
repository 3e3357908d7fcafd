"""``synharness push PATH... --to URL``: store documents in a running store.

Each file becomes one asset; the store validates it and refuses documents with
error findings (printed as ``file:line:column CODE pointer message``). Exit code
0 when every document was stored, 1 when some were refused or unreadable, 2
when the store is unreachable or refuses the client (token, schema version).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click
from synharness.cli.options import need_extra

if TYPE_CHECKING:
    from synharness.api.client import PushOutcome


@click.command("push")
@click.argument("paths", nargs=-1, required=True)
@click.option("--to", "url", required=True, help="The store URL, e.g. http://127.0.0.1:8000.")
def command(paths: tuple[str, ...], url: str) -> None:
    """Push asset files (or directories of *.json) to the store at URL."""
    need_extra("store", what="synharness push")
    from synharness.api.client import push_documents
    from synharness.api.settings import load_settings
    from synharness.errors import HarnessError

    try:
        documents, unreadable = _read(paths)
        outcomes = push_documents(url, documents, token=load_settings().api_token)
    except HarnessError as exc:
        click.echo(f"error: {exc.message}" + (f" ({exc.path})" if exc.path else ""), err=True)
        sys.exit(exc.exit_code)
    refused = [o for o in outcomes if not _echo(o)]
    sys.exit(1 if refused or unreadable else 0)


def _read(paths: tuple[str, ...]) -> tuple[list[tuple[str, bytes]], int]:
    """The readable documents among ``paths``, and how many could not be read."""
    from synharness.loading import iter_sources, read_source

    documents: list[tuple[str, bytes]] = []
    unreadable = 0
    for source in iter_sources(list(paths), stdin=sys.stdin.buffer):
        raw = read_source(source)
        if isinstance(raw, bytes):
            documents.append((source.name, raw))
        else:
            unreadable += 1
            click.echo(f"{source.name}: {raw.code} {raw.message}", err=True)
    return documents, unreadable


def _echo(outcome: PushOutcome) -> bool:
    """Print one outcome; whether the document was stored."""
    if outcome.stored:
        click.echo(f"{outcome.source}: stored at {outcome.location}")
        return True
    click.echo(f"{outcome.source}: refused ({outcome.status}) {outcome.message}", err=True)
    for f in outcome.findings:
        where = f"{f.get('line')}:{f.get('column')}" if f.get("line") else "-"
        pointer = f.get("pointer") or "/"
        click.echo(
            f"  {outcome.source}:{where} {f.get('code')} {pointer} {f.get('message')}", err=True
        )
    return False
