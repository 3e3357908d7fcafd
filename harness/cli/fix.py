"""``synharness fix PATH...``: apply the safe mechanical fixes in place.

The fixes are those of :mod:`synharness.fixes` (``$schemaRef``, unversioned or
relative ``$schema``, legacy and bare targets, prefixless declarations, hex
colour defaults). Only the findings the configuration keeps are fixed; a
document whose fixed text would have a new finding is left as it is (the
reason goes to stderr). Folders yield the documents that name a
synesthetic-schemas ``$schema``, as for ``validate``.

``--diff`` prints the changes instead of writing them: one JSON object mapping
each file that would change to its RFC 6902 patch (made and checked with the
``jsonpatch`` library). ``--check`` writes nothing and exits 1 when a file
would change. Exit codes: 0 done (or nothing to change), 1 with ``--check``
when something would change, 2 usage errors.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from synharness.cli.configuring import Timer, config_options, find_sources, load_config
from synharness.cli.options import ByteSize, CliError, verbosity_of
from synharness.config import DEFAULT_CONFIG, Config
from synharness.fixes import FixOutcome, fix_document
from synharness.loading import DEFAULT_MAX_BYTES, read_source
from synharness.pipeline import ValidationOptions

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FixInvocation:
    """The parsed ``fix`` command line."""

    paths: tuple[str, ...]
    diff: bool = False
    check: bool = False
    config: Config = DEFAULT_CONFIG
    options: ValidationOptions = field(default_factory=ValidationOptions)
    verbosity: int = 1
    cwd: Path = field(default_factory=Path.cwd)


def run_fix(invocation: FixInvocation) -> tuple[list[FixOutcome], int]:
    """Fix every document; write them unless ``--diff`` or ``--check``.

    Returns:
        The outcomes and the exit code.

    Raises:
        CliError: A path does not exist, or a fixed file cannot be written (exit 2).
    """
    timer = Timer()
    sources = find_sources(
        invocation.paths,
        config=invocation.config,
        cwd=invocation.cwd,
        verbosity=invocation.verbosity,
    )
    outcomes: list[FixOutcome] = []
    for source in sources:
        raw = read_source(source, max_bytes=invocation.options.max_bytes)
        if not isinstance(raw, bytes):
            click.echo(f"{source.name}: cannot fix: {raw.message}", err=True)
            continue
        outcome = fix_document(
            raw,
            source=source.name,
            options=invocation.options,
            config=invocation.config,
            cwd=invocation.cwd,
        )
        outcomes.append(outcome)
        if outcome.refused is not None:
            click.echo(f"{source.name}: not fixed: {outcome.refused}", err=True)
        elif outcome.changed and not (invocation.diff or invocation.check):
            assert source.path is not None
            _write(source.path, outcome.text, bom=raw.startswith(_BOM))
    changed = [o for o in outcomes if o.changed]
    timer.report("checked for fixes", len(outcomes), verbosity=invocation.verbosity)
    if invocation.diff:
        patches: dict[str, Any] = {o.source: list(o.patch) for o in changed}
        click.echo(json.dumps(patches, indent=2, ensure_ascii=False))
    fixed = sum(len(o.fixed) for o in changed)
    verb = "would fix" if invocation.diff or invocation.check else "fixed"
    click.echo(
        f"{verb} {fixed} finding{'s' if fixed != 1 else ''} in {len(changed)} of "
        f"{len(outcomes)} file{'s' if len(outcomes) != 1 else ''}",
        err=True,
    )
    if invocation.verbosity >= 2:
        for o in changed:
            for code, pointer in o.fixed:
                click.echo(f"{o.source}: {code} {pointer or '/'}", err=True)
    return outcomes, 1 if invocation.check and changed else 0


def _write(path: Path, text: str, *, bom: bool) -> None:
    """Replace the file atomically, keeping its mode."""
    data = (_BOM if bom else b"") + text.encode("utf-8")
    try:
        mode = path.stat().st_mode
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        raise CliError(
            f"{path}: cannot write the fixed file: {exc.strerror}", exit_code=2
        ) from None


@click.command("fix")
@click.argument("paths", nargs=-1, required=True)
@click.option("--diff", is_flag=True, help="Print the changes as RFC 6902 patches; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file would change.")
@config_options()
@click.option(
    "--max-bytes",
    type=ByteSize(),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest accepted document (e.g. 5MiB).",
)
@click.option(
    "-v", "--verbose", count=True, help="More detail: each fixed finding, skipped files, timings."
)
@click.option("-q", "--quiet", count=True, help="Less detail.")
def command(
    paths: Sequence[str],
    diff: bool,
    check: bool,
    config_path: Path | None,
    max_bytes: int,
    verbose: int,
    quiet: int,
    **flags: Any,
) -> None:
    """Apply the safe mechanical fixes ($schema, legacy and bare targets, hex colours) in place."""
    cwd = Path.cwd()
    invocation = FixInvocation(
        paths=tuple(paths),
        diff=diff,
        check=check,
        config=load_config(explicit=config_path, cwd=cwd, **flags),
        options=ValidationOptions(max_bytes=max_bytes),
        verbosity=verbosity_of(verbose, quiet),
        cwd=cwd,
    )
    _, code = run_fix(invocation)
    click.get_current_context().exit(code)
