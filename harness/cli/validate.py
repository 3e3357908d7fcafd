"""``synharness validate PATH...``: check documents and report their findings.

Exit code 0 when no finding reaches ``--fail-on`` (default ``error``), 1 when
one does, 2 for usage errors (a path that does not exist, a bad option). The
report goes to stdout (or ``--output``); diagnostics go to stderr.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import click

from harness.cli.options import (
    ByteSize,
    CliError,
    ReportFormat,
    Threshold,
    exit_code_of,
    verbosity_of,
)
from harness.errors import HarnessError
from harness.findings import Severity
from harness.loading import DEFAULT_MAX_BYTES
from harness.pipeline import ValidationOptions, validate_paths


@dataclass(frozen=True)
class ValidateInvocation:
    """The parsed ``validate`` command line."""

    paths: tuple[str, ...]
    format: str = "text"
    output: Path | None = None
    fail_on: Severity = Severity.ERROR
    options: ValidationOptions = field(default_factory=ValidationOptions)
    verbosity: int = 1


def run_validate(invocation: ValidateInvocation, *, stdin: BinaryIO | None) -> tuple[str, int]:
    """Validate, render the report and return it with the exit code.

    Args:
        invocation: What to validate and how to report it.
        stdin: The stream ``-`` reads from.

    Returns:
        The report text and the exit code (0 or 1).

    Raises:
        CliError: A path does not exist, or the schema directory is unusable.
    """
    from reports import REPORTER_BY_NAME

    try:
        results = validate_paths(invocation.paths, options=invocation.options, stdin=stdin)
    except HarnessError as exc:  # a missing path, an unusable --schema-dir
        raise CliError.from_exception(exc) from None
    buffer = io.StringIO()
    REPORTER_BY_NAME[invocation.format](stream=buffer, verbosity=invocation.verbosity).report(
        results
    )
    return buffer.getvalue(), exit_code_of(results, fail_on=invocation.fail_on)


def write_report(text: str, output: Path | None) -> None:
    """Write the report to ``output``, or to stdout when there is none."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{output}: cannot write the report: {exc.strerror}", exit_code=2) from None


@click.command("validate")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "format_",
    type=ReportFormat(),
    default="text",
    show_default=True,
    help="Report format: text, json, junit, sarif, markdown, html, terminal.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of stdout.",
)
@click.option(
    "--fail-on",
    type=Threshold(),
    default="error",
    show_default=True,
    help="Least severe finding that makes the exit code 1.",
)
@click.option(
    "--schema-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A directory of schemas of other versions.",
)
@click.option(
    "--max-bytes",
    type=ByteSize(),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest accepted document (e.g. 5MiB).",
)
@click.option("-v", "--verbose", count=True, help="More detail (repeatable).")
@click.option("-q", "--quiet", count=True, help="Less detail: only assets that did not pass.")
def command(
    paths: Sequence[str],
    format_: str,
    output: Path | None,
    fail_on: Severity,
    schema_dir: Path | None,
    max_bytes: int,
    verbose: int,
    quiet: int,
) -> None:
    """Validate synesthetic documents: files, directories (*.json), globs or - (stdin)."""
    invocation = ValidateInvocation(
        paths=tuple(paths),
        format=format_,
        output=output,
        fail_on=fail_on,
        options=ValidationOptions(max_bytes=max_bytes, schema_dir=schema_dir),
        verbosity=verbosity_of(verbose, quiet),
    )
    stdin = sys.stdin.buffer
    text, code = run_validate(invocation, stdin=stdin)
    write_report(text, invocation.output)
    click.get_current_context().exit(code)
