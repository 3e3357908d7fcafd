"""``synharness validate PATH...``: check documents and report their findings.

Exit code 0 when no finding reaches ``--fail-on`` (default ``error``), 1 when
one does, 2 for usage errors (a path that does not exist, a bad option). The
report goes to stdout (or ``--output``); diagnostics go to stderr. With
``--report-dir DIR`` every ``--format`` (repeatable; default: every format) is
written to its file in DIR (``report.json``, ``junit.xml``, ``report.sarif``,
``report.md``, ``report.html``, ``gl-code-quality-report.json``) and the text
report still goes to stdout.

Folders and globs yield the documents that name a synesthetic-schemas
``$schema`` (see :mod:`synharness.discovery`); named files are always
validated, unless ``--discover`` applies the same rules to them (the
pre-commit hook). The configuration (:mod:`synharness.cli.configuring`)
filters and re-grades the findings before the report and the exit code.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

import click
from synharness.cli.configuring import (
    Timer,
    config_options,
    find_sources,
    load_config,
    run_info,
    with_config_options,
)
from synharness.cli.options import (
    ByteSize,
    CliError,
    ReportFormat,
    Threshold,
    exit_code_of,
    strict_option,
    verbosity_of,
)
from synharness.cli.output import write_reports
from synharness.config import DEFAULT_CONFIG, Config, apply_config
from synharness.errors import HarnessError
from synharness.findings import Severity
from synharness.guard import guarded_result
from synharness.loading import DEFAULT_MAX_BYTES, Source
from synharness.pipeline import ValidationOptions, check_source
from synharness.result import AssetResult


@dataclass(frozen=True)
class ValidateInvocation:
    """The parsed ``validate`` command line."""

    paths: tuple[str, ...]
    formats: tuple[str, ...] = ("text",)
    output: Path | None = None
    report_dir: Path | None = None
    fail_on: Severity = Severity.ERROR
    options: ValidationOptions = field(default_factory=ValidationOptions)
    verbosity: int = 1
    config: Config = DEFAULT_CONFIG
    #: Apply the discovery rules to named files too (``--discover``).
    discover: bool = False
    #: The directory relative paths are relative to.
    cwd: Path = field(default_factory=Path.cwd)


def _result_of(source: Source, options: ValidationOptions) -> AssetResult:
    return check_source(source, options=options).result


def run_validate(invocation: ValidateInvocation, *, stdin: BinaryIO | None) -> tuple[str, int]:
    """Validate, render the report and return it with the exit code.

    Args:
        invocation: What to validate and how to report it.
        stdin: The stream ``-`` reads from.

    Returns:
        The report text for stdout and the exit code (0 or 1).

    Raises:
        CliError: A path does not exist, the schema directory is unusable, or
            the report directory cannot be written.
    """
    from synharness.reports import REPORTER_BY_NAME

    timer = Timer()
    sources = find_sources(
        invocation.paths,
        config=invocation.config,
        cwd=invocation.cwd,
        verbosity=invocation.verbosity,
        stdin=stdin,
        filter_named=invocation.discover,
    )
    try:
        invocation.options.registry()  # a broken --schema-dir stops the run before any document
    except HarnessError as exc:
        raise CliError.from_exception(exc) from None
    # The last-resort guard: a bug on one file is its SYN-INTERNAL-001, the batch goes on.
    checked = [
        guarded_result(partial(_result_of, source, invocation.options), source=source.name)
        for source in sources
    ]
    results = apply_config(checked, invocation.config, cwd=invocation.cwd)
    code = exit_code_of(results, fail_on=invocation.fail_on)
    timer.report("validated", len(results), verbosity=invocation.verbosity)
    info = run_info(timer, exit_code=code)
    shown = invocation.formats[0] if invocation.report_dir is None else "text"
    if invocation.report_dir is not None:
        write_reports(
            results, directory=invocation.report_dir, formats=invocation.formats, info=info
        )
    buffer = io.StringIO()
    REPORTER_BY_NAME[shown](stream=buffer, verbosity=invocation.verbosity, info=info).report(
        results
    )
    return buffer.getvalue(), code


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
    "formats",
    type=ReportFormat(),
    multiple=True,
    help="Report format: text (default), concise, github, gitlab, json, junit, sarif, "
    "markdown, html, terminal; repeatable with --report-dir.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each --format (default: every format) to its file in DIR.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of stdout.",
)
@click.option(
    "--fail-on",
    type=Threshold(),
    help="Least severe finding that makes the exit code 1 [default: error, or the config's].",
)
@config_options()
@click.option(
    "--discover",
    is_flag=True,
    help="Skip named files that are not synesthetic documents too (as in folders); "
    "for the pre-commit hook.",
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
@strict_option
@click.option(
    "--glsl-host",
    type=click.Choice(["three", "webgl1", "webgl2"]),
    default="three",
    show_default=True,
    help="How shaders are compiled, when a GL context can be made (see docs/render.md).",
)
@click.option(
    "-v", "--verbose", count=True, help="More detail: skipped files, timings (repeatable)."
)
@click.option("-q", "--quiet", count=True, help="Less detail: only assets that did not pass.")
def command(
    paths: Sequence[str],
    formats: Sequence[str],
    report_dir: Path | None,
    output: Path | None,
    fail_on: Severity | None,
    config_path: Path | None,
    select: Sequence[str],
    ignore: Sequence[str],
    per_file_ignores: Sequence[str],
    severity: Sequence[str],
    include: Sequence[str],
    exclude: Sequence[str],
    discover: bool,
    schema_dir: Path | None,
    max_bytes: int,
    strict: bool,
    glsl_host: str,
    verbose: int,
    quiet: int,
) -> None:
    """Validate synesthetic documents: files, directories, globs or - (stdin)."""
    if report_dir is None and len(formats) > 1:
        raise click.UsageError("several --format need --report-dir")
    cwd = Path.cwd()
    config = load_config(
        explicit=config_path,
        cwd=cwd,
        select=select,
        ignore=ignore,
        per_file_ignores=per_file_ignores,
        severity=severity,
        include=include,
        exclude=exclude,
        fail_on=fail_on,
    )
    options = ValidationOptions(
        max_bytes=max_bytes, schema_dir=schema_dir, strict=strict, glsl_host=glsl_host
    )
    invocation = ValidateInvocation(
        paths=tuple(paths),
        formats=tuple(formats) or (("text",) if report_dir is None else ()),
        output=output,
        report_dir=report_dir,
        fail_on=config.fail_on or Severity.ERROR,
        options=with_config_options(options, config),
        verbosity=verbosity_of(verbose, quiet),
        config=config,
        discover=discover,
        cwd=cwd,
    )
    stdin = sys.stdin.buffer
    text, code = run_validate(invocation, stdin=stdin)
    write_report(text, invocation.output)
    click.get_current_context().exit(code)
